// What Token Desk keeps on this device about the connection's tokens: their
// review-by dates and the rotations under way. Reloaded when the desk says
// they changed (a reminder recorded, a rotation finished by the schedules).

import type { Rotation, TokenReview } from '../lib/bindings';
import { call, commands, events } from '../lib/desk';

/** Rotations that still wait for something. */
export function isUnderWay(rotation: Rotation): boolean {
  return rotation.state === 'waiting' || rotation.state === 'needsAnswer';
}

class TokenNotes {
  /** The connection the notes belong to. */
  connectionId = $state<string | null>(null);
  /** Review dates by token id. */
  reviews = $state.raw<Map<string, TokenReview>>(new Map());
  /** Rotations under way and finished in the last week. */
  rotations = $state.raw<Rotation[]>([]);
  /** Rotations whose grace period ended while Token Desk was closed. */
  questions = $derived(this.rotations.filter((rotation) => rotation.state === 'needsAnswer'));

  /** Loads the notes of `connectionId`. */
  async load(connectionId: string): Promise<void> {
    if (connectionId !== this.connectionId) {
      this.connectionId = connectionId;
      this.reviews = new Map();
      this.rotations = [];
    }
    let reviews: TokenReview[];
    let rotations: Rotation[];
    try {
      [reviews, rotations] = await Promise.all([
        call(commands.reviewDates(connectionId)),
        call(commands.rotations(connectionId)),
      ]);
    } catch {
      // Both read files Token Desk keeps, checked with a key in the keychain: what is shown
      // stays, and the next change reloads them.
      return;
    }
    if (connectionId !== this.connectionId) return;
    this.reviews = new Map(reviews.map((review) => [review.tokenId, review]));
    this.rotations = rotations;
  }

  /** Follows the desk's changes; returns the unsubscribe. */
  async follow(): Promise<() => void> {
    return events.notesChangedEvent.listen((event) => {
      if (event.payload.connectionId === this.connectionId) void this.load(event.payload.connectionId);
    });
  }

  /** Keeps a token's new review date (or its removal). */
  setReview(tokenId: string, review: TokenReview | null): void {
    // A fresh map replaces the raw state's: readers see the change by identity.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const next = new Map(this.reviews);
    if (review) next.set(tokenId, review);
    else next.delete(tokenId);
    this.reviews = next;
  }

  /** Keeps a rotation's latest state. */
  putRotation(rotation: Rotation): void {
    const others = this.rotations.filter((kept) => kept.id !== rotation.id);
    this.rotations = [...others, rotation];
  }

  /** The rotations a token is part of, old or new, newest first. */
  rotationsOf(tokenId: string): Rotation[] {
    return this.rotations
      .filter((rotation) => rotation.oldTokenId === tokenId || rotation.newTokenId === tokenId)
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
  }

  /** Answers a rotation: disable the old token now, or keep both; keeps what the desk answers. */
  async answer(connectionId: string, rotation: Rotation, disable: boolean): Promise<Rotation> {
    const next = disable
      ? await call(commands.finishRotation(connectionId, rotation.id))
      : await call(commands.cancelRotation(connectionId, rotation.id));
    if (connectionId === this.connectionId) this.putRotation(next);
    return next;
  }

  /** Saves a review date through the desk. */
  async saveReview(connectionId: string, tokenId: string, date: string | null, disableAtDate: boolean) {
    const review = await call(commands.setReviewBy(connectionId, tokenId, date ? { date, disableAtDate } : null));
    if (connectionId === this.connectionId) this.setReview(tokenId, review);
    return review;
  }

  /** Forgets everything (another connection, or a component test). */
  reset(): void {
    this.connectionId = null;
    this.reviews = new Map();
    this.rotations = [];
  }
}

/** The notes of the connection in use. */
export const notes = new TokenNotes();
