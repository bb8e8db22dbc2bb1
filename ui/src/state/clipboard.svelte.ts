// What Token Desk has put on the clipboard, with the countdown to its
// clearing, kept current by `clipboard-changed-event` (copies from the tray
// included).

import type { ClipboardStatus, CopyFormat, CopyReceipt, DeskError } from '../lib/bindings';
import { asDeskError, call, commands, events } from '../lib/desk';

/** How long a note about a non-secret copy stays. */
const NOTE_MS = 4000;

class ClipboardState {
  /** The secret on the clipboard, in words; null when none of ours is there. */
  holding = $state<string | null>(null);
  /** When it will be cleared (ms since the epoch); null for never. */
  clearsAtMs = $state<number | null>(null);
  /** A short note about the last copy that needs no countdown (an id). */
  note = $state<string | null>(null);
  /** Why the last copy or clear failed. */
  failure = $state<DeskError | null>(null);
  /** Why this desktop offers no clipboard Token Desk can use, if it does not. */
  problem = $state<string | null>(null);
  /** The clock the countdown reads, ticking while something is held. */
  now = $state(Date.now());

  /** Whole seconds until the clearing, while there is one. */
  secondsLeft = $derived(
    this.holding && this.clearsAtMs !== null ? Math.max(0, Math.ceil((this.clearsAtMs - this.now) / 1000)) : null,
  );

  private ticker: ReturnType<typeof setInterval> | null = null;
  private noteTimer: ReturnType<typeof setTimeout> | null = null;

  /** Follows the backend's clipboard events; returns the unsubscribe. */
  async follow(): Promise<() => void> {
    return events.clipboardChangedEvent.listen((event) => this.show(event.payload));
  }

  /** Asks once whether the desktop's clipboard can be used, so the window can say so up front. */
  async checkSupport(): Promise<void> {
    try {
      this.problem = await call(commands.clipboardProblem());
    } catch {
      // Unknown: the first copy will tell.
    }
  }

  /** Copies a token in `format`; the value goes from Rust to the clipboard. */
  async copy(connectionId: string, tokenId: string, format: CopyFormat): Promise<CopyReceipt | null> {
    this.failure = null;
    try {
      const receipt = await call(commands.copyTokenValue(connectionId, tokenId, format));
      if (format === 'tokenId' || format === 'apiBaseUrl') this.flash(`Copied ${receipt.copied}.`);
      else this.show({ holding: receipt.copied, clearsAtMs: receipt.clearsAtMs });
      return receipt;
    } catch (thrown) {
      this.failure = asDeskError(thrown);
      // Said once, in the failure: no second notice about the same thing.
      if (this.failure.kind === 'clipboard') this.problem = null;
      return null;
    }
  }

  /** Clears the clipboard now, if it still holds what Token Desk copied. */
  async clearNow(): Promise<void> {
    this.failure = null;
    try {
      const cleared = await call(commands.clearClipboard());
      this.show({ holding: null, clearsAtMs: null });
      this.flash(cleared ? 'Clipboard cleared.' : 'The clipboard no longer held the copied value.');
    } catch (thrown) {
      this.failure = asDeskError(thrown);
    }
  }

  /** Forgets everything (component tests). */
  reset(): void {
    this.show({ holding: null, clearsAtMs: null });
    this.note = null;
    this.failure = null;
    this.problem = null;
  }

  private show(status: ClipboardStatus): void {
    this.holding = status.holding;
    this.clearsAtMs = status.clearsAtMs;
    this.now = Date.now();
    if (this.ticker !== null) clearInterval(this.ticker);
    this.ticker = null;
    if (status.holding && status.clearsAtMs !== null) {
      this.ticker = setInterval(() => (this.now = Date.now()), 250);
    }
  }

  /** Shows a short note in the clipboard bar (about a copy, or why none was made). */
  flash(note: string): void {
    this.note = note;
    if (this.noteTimer !== null) clearTimeout(this.noteTimer);
    this.noteTimer = setTimeout(() => (this.note = null), NOTE_MS);
  }
}

/** The clipboard as Token Desk uses it. */
export const clipboard = new ClipboardState();
