// The token list of the connection in use: streamed in batch by batch, then
// filtered and sorted locally, and kept current by `token-changed-event`.

import { Channel } from '@tauri-apps/api/core';
import type { DeskError, TokenBatch, TokenChanged, TokenReview, TokenView } from '../lib/bindings';
import { asDeskError, call, commands, events, DeskFailure } from '../lib/desk';
import { listedRows, listedToken, tokenOfRow, type ListedToken } from '../lib/listed-token';
import { narrowingFilter, resortChanged, sortTokens, type TokenFilter, type TokenOrder } from '../lib/token-order';
import { markOnce } from '../lib/marks';
import { notes } from './notes.svelte';

/** How long the last batches may trail the command's answer before the list counts as broken. */
const BATCH_GRACE_MS = 15_000;

/** Counts the tokens a list-all delivered, and waits for the count it announced. */
class BatchCounter {
  private count = 0;
  private waiter: { target: number; resolve: () => void } | null = null;

  add(items: number): void {
    this.count += items;
    if (this.waiter && this.count >= this.waiter.target) this.waiter.resolve();
  }

  reach(target: number, graceMs: number): Promise<void> {
    if (this.count >= target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(
          new DeskFailure({
            kind: 'internal',
            message: `Only ${this.count} of the ${target} tokens arrived in the window.`,
            fieldErrors: [],
            traceId: null,
          }),
        );
      }, graceMs);
      this.waiter = {
        target,
        resolve: () => {
          clearTimeout(timer);
          this.waiter = null;
          resolve();
        },
      };
    });
  }
}

/**
 * How long streamed rows wait before they are appended, for a list already
 * `length` long: the next frame while the list is short, so the first rows
 * show at once; then up to a second, so that an append (whose cost grows
 * with the list) stays a small share of the time.
 */
export function flushPause(length: number): number {
  return length < 2_000 ? 0 : Math.min(1_000, Math.round(length / 100));
}

/** Whether `now` is `before` with rows added at its end (a streamed batch). */
function appended(before: readonly ListedToken[], now: readonly ListedToken[]): boolean {
  if (now.length <= before.length) return false;
  for (let i = 0; i < before.length; i++) if (before[i] !== now[i]) return false;
  return true;
}

/** Where loading the list stands. */
export type ListPhase = 'idle' | 'loading' | 'ready' | 'error';

/** The token list screen's data. */
class TokenListState {
  /** The connection the list belongs to. */
  connectionId = $state<string | null>(null);
  /**
   * Every token loaded so far, in arrival order, as list rows (only the
   * columns: 100,000 of them must stay light). Raw: rows need no deep proxies.
   */
  all = $state.raw<ListedToken[]>([]);
  /** Where loading stands. */
  phase = $state<ListPhase>('idle');
  /** Tokens received so far, and how many the server announced. */
  fetched = $state(0);
  total = $state<number | null>(null);
  /** Why the last load failed; the rows already shown stay. */
  error = $state<DeskError | null>(null);
  /**
   * When the rows shown are the list remembered from an earlier start, when
   * that list was complete (RFC 3339); `null` once the fresh list is in.
   */
  rememberedAt = $state<string | null>(null);

  /** The filter the user set. */
  filter = $state<TokenFilter>({ status: null, search: '', review: 'any', unusedDays: null });
  /** The order the user chose. */
  order = $state<TokenOrder>({ field: 'name', descending: false });
  /** The row the keyboard and the copy shortcut act on. */
  selectedId = $state<string | null>(null);
  /** Rows chosen for an action on several tokens (Ctrl/Shift-click, Space). */
  checked = $state.raw<ReadonlySet<string>>(new Set());
  /** Where a Shift-click range starts. */
  private anchorId: string | null = null;

  /**
   * Every token, sorted: recomputed when tokens or the order change, not per
   * keystroke; a few tokens changed (or a page streamed in) are put in place
   * in the earlier order rather than sorting 100,000 again.
   */
  sorted = $derived.by(() => this.sortedNow(this.all, this.order.field, this.order.descending, notes.reviews));
  // What `sorted` was last computed from; plain fields, read only by it.
  private lastSort: {
    all: readonly ListedToken[];
    field: TokenOrder['field'];
    descending: boolean;
    reviews: ReadonlyMap<string, TokenReview>;
    sorted: ListedToken[];
  } | null = null;
  // Tokens put in or taken out one at a time since the list was last sorted
  // (a token's page read it, an event changed it, it was deleted), from the
  // list `from` to the list `to`. The sort then puts just those in place,
  // rather than telling what changed by a set of every row of each list: at
  // 100,000 tokens, two sets and a copy of megabytes per change, which an idle
  // page keeps as garbage.
  private edits: {
    from: readonly ListedToken[];
    to: readonly ListedToken[];
    added: ListedToken[];
    removed: Set<ListedToken>;
  } | null = null;
  private filterSorted = narrowingFilter();
  /** What the list shows; a search typed on narrows the rows already shown. */
  visible = $derived(this.filterSorted(this.sorted, this.filter, notes.reviews));
  /** The selected token, when it is loaded. */
  selected = $derived(this.all.find((token) => token.id === this.selectedId) ?? null);

  // Each load gets a number; batches of a superseded load are dropped.
  private generation = 0;
  // Tokens changed (or deleted: null) while a load streams in; the newer
  // state wins over what the load brings.
  private changedDuringLoad = new Map<string, ListedToken | null>();
  private pending: ListedToken[] = [];
  // The append waiting for its frame or its pause, if one is.
  private scheduledFlush: (() => void) | null = null;

  private sortedNow(
    all: readonly ListedToken[],
    field: TokenOrder['field'],
    descending: boolean,
    reviews: ReadonlyMap<string, TokenReview>,
  ): ListedToken[] {
    const order = { field, descending };
    const last = this.lastSort;
    let sorted: ListedToken[];
    // Review dates order the list only when it is sorted by them.
    const sameOrder =
      last !== null &&
      last.field === field &&
      last.descending === descending &&
      (field !== 'reviewBy' || last.reviews === reviews);
    const edits = this.edits;
    this.edits = null;
    if (sameOrder && last.all === all) {
      sorted = last.sorted;
    } else if (sameOrder && edits !== null && edits.from === last.all && edits.to === all) {
      const { added, removed } = edits;
      sorted = resortChanged(
        last.sorted,
        added,
        removed.size > 0 ? (token) => !removed.has(token) : null,
        order,
        reviews,
      );
    } else if (sameOrder && last.all.length > 0 && appended(last.all, all)) {
      // Rows streamed in: only the new ones go in, and nothing has to be looked up.
      sorted = resortChanged(last.sorted, all.slice(last.all.length), null, order, reviews);
    } else if (sameOrder && last.all.length > 0) {
      // Tokens are replaced, never changed in place: identity tells what changed.
      const before = new Set(last.all);
      const added = all.filter((token) => !before.has(token));
      const gone = last.all.length - (all.length - added.length);
      if (added.length + gone <= Math.max(64, all.length / 4)) {
        const now = new Set(all);
        sorted = resortChanged(last.sorted, added, (token) => now.has(token), order, reviews);
      } else {
        sorted = sortTokens(all, order, reviews);
      }
    } else {
      sorted = sortTokens(all, order, reviews);
    }
    this.lastSort = { all, field, descending, reviews, sorted };
    return sorted;
  }

  /** Loads every token of `connectionId`; the first page shows as soon as it arrives. */
  async load(connectionId: string): Promise<void> {
    const generation = ++this.generation;
    const switching = connectionId !== this.connectionId;
    this.connectionId = connectionId;
    if (switching) {
      this.all = [];
      this.read = new Map();
      this.selectedId = null;
      this.clearChecked();
    }
    this.phase = 'loading';
    this.error = null;
    this.fetched = 0;
    this.total = null;
    this.pending = [];
    this.changedDuringLoad = new Map();
    this.cancelFlush();
    // A refresh replaces the rows only once the new list is complete, so a
    // failure half-way loses nothing that was on screen.
    const fresh: ListedToken[] = [];
    // A first load streams into the list as it arrives; a refresh, or a list
    // remembered from the last start, is replaced whole once the fresh one is in.
    let streaming = switching;
    if (switching) {
      this.rememberedAt = null;
      void this.showRemembered(connectionId, () => {
        // Never over a fresh list, even an empty one that is already complete.
        const fresher = this.phase === 'ready' || !streaming || this.all.length > 0 || this.pending.length > 0;
        if (generation !== this.generation || fresher) return false;
        streaming = false;
        return true;
      });
    }
    const received = new BatchCounter();
    const onBatch = new Channel<TokenBatch>();
    onBatch.onmessage = (batch) => {
      markOnce('first batch in the page');
      if (generation !== this.generation) return;
      this.fetched = batch.fetched;
      this.total = batch.total;
      // Rows are made as each batch arrives: the batch's own objects are let go at once.
      const rows = listedRows(batch.rows);
      if (streaming) {
        for (const row of rows) this.pending.push(row);
        this.scheduleFlush();
      } else {
        for (const row of rows) fresh.push(row);
      }
      received.add(rows.length);
    };
    try {
      markOnce('list requested');
      const count = await call(commands.listAllTokens(connectionId, {}, onBatch));
      // Large channel messages are fetched by the webview after they are
      // announced, so the command's answer can overtake the last batches.
      await received.reach(count, BATCH_GRACE_MS);
      if (generation !== this.generation) return;
      this.flush(generation);
      if (!streaming) this.all = this.withChanges(fresh);
      this.rememberedAt = null;
      markOnce('fresh list in');
      this.changedDuringLoad = new Map();
      this.phase = 'ready';
    } catch (thrown) {
      if (generation !== this.generation) return;
      this.flush(generation);
      this.error = asDeskError(thrown);
      this.phase = 'error';
    }
  }

  /**
   * Shows the list `connectionId` showed at the last start, if the device
   * keeps it and `stillWanted()` says nothing fresher is there yet.
   */
  private async showRemembered(connectionId: string, stillWanted: () => boolean): Promise<void> {
    try {
      const remembered = await call(commands.rememberedTokens(connectionId));
      if (!remembered || remembered.rows.ids.length === 0 || !stillWanted()) return;
      this.all = listedRows(remembered.rows);
      this.rememberedAt = remembered.savedAt;
      markOnce('remembered list shown');
    } catch {
      // Only ever a head start: the fresh list follows anyway.
    }
  }

  /** Loads the same connection again. */
  refresh(): Promise<void> {
    return this.connectionId ? this.load(this.connectionId) : Promise.resolve();
  }

  /** Follows changes made anywhere (this window, the tray, another client); returns the unsubscribe. */
  async follow(): Promise<() => void> {
    return events.tokenChangedEvent.listen((event) => void this.applyChange(event.payload));
  }

  /** Brings one changed token up to date. */
  async applyChange(change: TokenChanged): Promise<void> {
    if (change.connectionId !== this.connectionId) return;
    try {
      this.upsert(await call(commands.getToken(change.connectionId, change.tokenId)));
    } catch (thrown) {
      if (thrown instanceof DeskFailure && thrown.kind === 'notFound') this.removeLocally(change.tokenId);
      // Anything else: the next refresh settles it; the list must not flash an error for it.
    }
  }

  /**
   * Tokens as last read one by one (a token's page, a change): everything the
   * list's rows leave out, such as modules and stamps. Only tokens read that
   * way are here, never the whole list. A token whose answer carried no
   * modules (enable and disable answers) keeps the modules read before.
   */
  read = $state.raw<ReadonlyMap<string, TokenView>>(new Map());

  /** The token as its page shows it: its last read with the list's row over it; `null` when the list has no such token. */
  token(tokenId: string): TokenView | null {
    const row = this.all.find((token) => token.id === tokenId);
    return row ? tokenOfRow(row, this.read.get(tokenId)) : null;
  }

  /** Puts a token's latest state in the list, and keeps the whole read for its page. */
  upsert(token: TokenView): void {
    const modules = token.modules ?? this.read.get(token.id)?.modules ?? null;
    // A fresh map replaces the raw state's: readers see the change by identity.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.read = new Map(this.read).set(token.id, modules === token.modules ? token : { ...token, modules });
    const row = listedToken(token);
    if (this.phase === 'loading') {
      this.changedDuringLoad.set(token.id, row);
    }
    const at = this.all.findIndex((existing) => existing.id === token.id);
    if (at < 0) this.edit([...this.all, row], [row], []);
    else
      this.edit(
        this.all.map((existing, i) => (i === at ? row : existing)),
        [row],
        [this.all[at]],
      );
  }

  /** Makes `next` the list, noting what it adds to the current one and takes from it. */
  private edit(next: ListedToken[], added: readonly ListedToken[], removed: readonly ListedToken[]): void {
    // Edits follow on from the last ones only while nothing else replaced the list.
    const edits =
      this.edits !== null && this.edits.to === this.all
        ? this.edits
        : { from: this.all, to: this.all, added: [], removed: new Set<ListedToken>() };
    for (const token of removed) {
      // A row put in by these edits was never in `from`: it only leaves `added`.
      const at = edits.added.indexOf(token);
      if (at >= 0) edits.added.splice(at, 1);
      else edits.removed.add(token);
    }
    edits.added.push(...added);
    edits.to = next;
    this.edits = edits;
    this.all = next;
  }

  /** Drops a token from the list (deleted). */
  removeLocally(tokenId: string): void {
    if (this.phase === 'loading') this.changedDuringLoad.set(tokenId, null);
    const gone = this.all.filter((token) => token.id === tokenId);
    if (gone.length > 0)
      this.edit(
        this.all.filter((token) => token.id !== tokenId),
        [],
        gone,
      );
    if (this.read.has(tokenId)) {
      // eslint-disable-next-line svelte/prefer-svelte-reactivity
      const read = new Map(this.read);
      read.delete(tokenId);
      this.read = read;
    }
    if (this.selectedId === tokenId) this.selectedId = null;
  }

  /** Adds a row to the chosen ones, or takes it out (Ctrl-click, Space). */
  toggleChecked(tokenId: string): void {
    // A new set replaces the raw state whole: never mutated once assigned.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const next = new Set(this.checked);
    if (!next.delete(tokenId)) next.add(tokenId);
    this.checked = next;
    this.anchorId = tokenId;
  }

  /**
   * Chooses every visible row from the last one chosen to `tokenId`
   * (Shift-click). The token the connection signs in with is left out of a
   * range: it is only ever chosen on its own.
   */
  checkRange(tokenId: string, signInTokenId: string | null): void {
    const rows = this.visible;
    const to = rows.findIndex((token) => token.id === tokenId);
    const from = this.anchorId ? rows.findIndex((token) => token.id === this.anchorId) : -1;
    if (to < 0) return;
    const [first, last] = from < 0 ? [to, to] : [Math.min(from, to), Math.max(from, to)];
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const next = new Set(this.checked);
    for (const token of rows.slice(first, last + 1)) {
      if (token.id !== signInTokenId) next.add(token.id);
    }
    this.checked = next;
  }

  /** Nothing chosen. */
  clearChecked(): void {
    this.checked = new Set();
    this.anchorId = null;
  }

  /** Forgets everything (another connection, or a component test). */
  reset(): void {
    this.generation++;
    this.connectionId = null;
    this.all = [];
    this.read = new Map();
    this.phase = 'idle';
    this.fetched = 0;
    this.total = null;
    this.error = null;
    this.rememberedAt = null;
    this.filter = { status: null, search: '', review: 'any', unusedDays: null };
    this.order = { field: 'name', descending: false };
    this.selectedId = null;
    this.clearChecked();
    this.pending = [];
    this.cancelFlush();
  }

  // Batches arrive faster than frames: append them once per frame so 100
  // batches do not mean 100 re-sorts. A long list is appended less often:
  // each append copies, sorts in and counts the whole list, and at 100,000
  // rows doing that every frame would churn through gigabytes for the
  // garbage collector, and hold the memory it grows to.
  private scheduleFlush(): void {
    if (this.scheduledFlush) return;
    // The frame may run after another load began: flush for whichever load is current.
    const run = () => {
      this.scheduledFlush = null;
      this.flush(this.generation);
    };
    const pause = flushPause(this.all.length);
    if (pause === 0 && typeof requestAnimationFrame === 'function') {
      const frame = requestAnimationFrame(run);
      this.scheduledFlush = () => cancelAnimationFrame(frame);
    } else {
      const timer = setTimeout(run, Math.max(pause, 16));
      this.scheduledFlush = () => clearTimeout(timer);
    }
  }

  /** Drops a waiting append: a new load's first rows must not wait for the last load's pause. */
  private cancelFlush(): void {
    this.scheduledFlush?.();
    this.scheduledFlush = null;
  }

  private flush(generation: number): void {
    if (generation !== this.generation || this.pending.length === 0) return;
    // A token changed, added or deleted meanwhile is in the list as that
    // change left it (or gone), and the change wins over its streamed row.
    // The desk sends each token once, so no set of every id shown is kept (at
    // 100,000 tokens that set alone left 12 MB behind for the garbage collector).
    const changed = this.changedDuringLoad;
    const arrived = changed.size === 0 ? this.pending : this.pending.filter((token) => !changed.has(token.id));
    this.all = this.all.concat(arrived);
    this.pending = [];
    markOnce('first rows in the list state');
  }

  /**
   * A refresh's complete list with the changes made while it loaded applied:
   * changed tokens as they are now, deleted ones out, created ones in.
   */
  private withChanges(tokens: ListedToken[]): ListedToken[] {
    if (this.changedDuringLoad.size === 0) return tokens;
    // Only changed ids are noted, never every id of the list.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const found = new Set<string>();
    const result: ListedToken[] = [];
    for (const token of tokens) {
      const changed = this.changedDuringLoad.get(token.id);
      if (changed !== undefined) found.add(token.id);
      if (changed === null) continue;
      result.push(changed ?? token);
    }
    for (const [id, token] of this.changedDuringLoad) if (token && !found.has(id)) result.push(token);
    return result;
  }
}

/** The token list of the connection in use. */
export const tokenList = new TokenListState();
