// Local filtering and sorting of the token list: once every page has streamed
// in, both happen here, instantly, instead of asking the Marketplace again.

import type { TokenReview, TokenSortField, TokenState } from './bindings';
import type { ListedToken } from './listed-token';

/** What the list sorts by: the platform's fields, and the review date kept on this device. */
export type ListSortField = TokenSortField | 'reviewBy';

/** How the list is ordered. */
export type TokenOrder = { field: ListSortField; descending: boolean };

/** Review dates to filter on: any, due within 30 days (or past), or due today or past. */
export type ReviewFilter = 'any' | 'soon' | 'due' | 'none';

/** Which tokens the list shows. */
export type TokenFilter = {
  status: TokenState | null;
  search: string;
  /** By review date (kept on this device). */
  review?: ReviewFilter;
  /** Only tokens not used for this many days (never used included). */
  unusedDays?: number | null;
};

const DAY_MS = 24 * 3600 * 1000;

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Whether a filter narrows the list at all. */
export function isFiltering(filter: TokenFilter): boolean {
  return (
    filter.search.trim() !== '' ||
    filter.status !== null ||
    (filter.review ?? 'any') !== 'any' ||
    (filter.unusedDays ?? null) !== null
  );
}

/**
 * What a row must pass to match `filter`; `null` when every row does.
 * `reviews` are the review dates by token id.
 */
function matcher(
  filter: TokenFilter,
  reviews: ReadonlyMap<string, TokenReview>,
  now: number,
): ((token: ListedToken) => boolean) | null {
  // Read once, never per row: the list's filter is reactive state, whose every
  // read is tracked (100,000 tracked reads were most of a keystroke's time).
  // As typed, not lower-cased: a name typed exactly is found however its
  // letters fold (`İzmir`, the Kelvin sign), and any letter's other case too.
  const needle = filter.search.trim();
  const status = filter.status;
  const review = filter.review ?? 'any';
  const unusedDays = filter.unusedDays ?? null;
  if (!needle && !status && review === 'any' && unusedDays === null) return null;
  const usedSince = unusedDays === null ? 0 : now - unusedDays * DAY_MS;
  const text = needle ? textPattern(needle) : null;
  return (token) => {
    if (status && token.status !== status) return false;
    if (
      text &&
      !text.test(token.name) &&
      !text.test(token.id) &&
      !(token.description !== null && text.test(token.description))
    )
      return false;
    if (review === 'none') {
      if (reviews.has(token.id)) return false;
    } else if (review !== 'any') {
      const stage = reviews.get(token.id)?.stage;
      if (!stage || stage === 'later' || (review === 'due' && stage !== 'due')) return false;
    }
    if (unusedDays !== null) {
      const last = token.lastAccess;
      if (last !== null && last >= usedSince) return false;
    }
    return true;
  };
}

/**
 * The tokens that match `filter`, in the order given; `reviews` are the
 * review dates by token id. When every token matches, the answer is `tokens`
 * itself: a keystroke that hides nothing (`tkn-` matches every id; `billi`
 * after `bill`, typed on) leaves the list as it is, with nothing to redraw.
 */
export function filterTokens(
  tokens: readonly ListedToken[],
  filter: TokenFilter,
  reviews: ReadonlyMap<string, TokenReview> = new Map(),
  now: number = Date.now(),
): ListedToken[] {
  const matches = matcher(filter, reviews, now);
  if (!matches) return tokens as ListedToken[];
  // Copied only from the first token left out.
  let kept: ListedToken[] | null = null;
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at];
    if (matches(token)) kept?.push(token);
    else kept ??= tokens.slice(0, at);
  }
  return kept ?? (tokens as ListedToken[]);
}

/** How many tokens `filterTokens` would keep, without making the list of them. */
export function countMatching(
  tokens: readonly ListedToken[],
  filter: TokenFilter,
  reviews: ReadonlyMap<string, TokenReview> = new Map(),
  now: number = Date.now(),
): number {
  const matches = matcher(filter, reviews, now);
  if (!matches) return tokens.length;
  let count = 0;
  for (const token of tokens) if (matches(token)) count++;
  return count;
}

/**
 * A pattern that finds `needle` in a text, ignoring case. The rows keep no
 * lower-cased copy of their texts (at 100,000 tokens that copy was 25 MB of
 * the page's memory): the needle becomes a case-insensitive pattern instead,
 * which JavaScriptCore compiles to machine code once per keystroke. Alone,
 * three tests of it per row take about what one `indexOf` over the joined
 * copy took (5–7 ms for 100,000 rows in `jsc`); without the `u` flag, which
 * cost half as much again.
 */
function textPattern(needle: string): RegExp {
  // Escaped: what is typed is text to find, never a pattern. No `g` flag:
  // `test` then keeps no position from one row to the next.
  return new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

/** A filter's answer, and what it was asked. */
interface Filtered {
  tokens: readonly ListedToken[];
  filter: TokenFilter;
  reviews: ReadonlyMap<string, TokenReview>;
  result: ListedToken[];
}

/**
 * A `filterTokens` that remembers its last answer: when only the search grew
 * (a typed character; a substring search can only narrow), it looks at the
 * rows still shown rather than at all of them, so each keystroke after the
 * first costs what the last one left, not 100,000 rows.
 */
export function narrowingFilter(): (
  tokens: readonly ListedToken[],
  filter: TokenFilter,
  reviews?: ReadonlyMap<string, TokenReview>,
) => ListedToken[] {
  let last: Filtered | null = null;
  return (tokens, filter, reviews = new Map()) => {
    // A pattern found in a text finds every part of it there too: only a
    // needle that holds the last one, as typed, narrows.
    const needle = filter.search.trim();
    const narrows =
      last !== null &&
      last.tokens === tokens &&
      last.reviews === reviews &&
      last.filter.status === filter.status &&
      (last.filter.review ?? 'any') === (filter.review ?? 'any') &&
      // Time moves: a filter on last use is computed afresh.
      (last.filter.unusedDays ?? null) === null &&
      (filter.unusedDays ?? null) === null &&
      needle.includes(last.filter.search.trim());
    const result = filterTokens(narrows && last ? last.result : tokens, filter, reviews);
    last = { tokens, filter: { ...filter }, reviews, result };
    return result;
  };
}

function key(
  token: ListedToken,
  field: ListSortField,
  reviews: ReadonlyMap<string, TokenReview>,
): string | number | null {
  switch (field) {
    case 'reviewBy':
      // `YYYY-MM-DD` sorts as the date it is.
      return reviews.get(token.id)?.date ?? null;
    case 'name':
      return token.name;
    case 'id':
      return token.id;
    case 'status':
      return token.status;
    case 'lastAccess':
      return token.lastAccess;
    case 'created':
      return token.created;
  }
}

/** Orders two tokens whose keys are already read: missing values last whatever the direction, the id breaks ties. */
type Comparator = (a: ListedToken, aKey: SortKey, b: ListedToken, bKey: SortKey) => number;
type SortKey = string | number | null;

function comparator(order: TokenOrder): Comparator {
  const direction = order.descending ? -1 : 1;
  const textual = order.field === 'name' || order.field === 'status';
  return (a, left, b, right) => {
    if (left !== right) {
      if (left === null) return 1;
      if (right === null) return -1;
      // Dates are numbers and ids are fixed-width: plain comparison orders them.
      const compared =
        textual && typeof left === 'string' && typeof right === 'string'
          ? collator.compare(left, right)
          : left < right
            ? -1
            : left > right
              ? 1
              : 0;
      if (compared !== 0) return compared * direction;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/**
 * A sorted copy: missing values last whatever the direction, the id breaks
 * ties. Each token's key is read once, not at every comparison (100,000
 * tokens take 1.7 million comparisons; a review date is a map lookup). The
 * keys sit in an array beside the tokens and the sort moves positions: an
 * object pairing each token with its key was 5 MB of garbage per 100,000
 * tokens, which an idle page keeps until its next full collection.
 */
export function sortTokens(
  tokens: readonly ListedToken[],
  order: TokenOrder,
  reviews: ReadonlyMap<string, TokenReview> = new Map(),
): ListedToken[] {
  const compare = comparator(order);
  const keys = tokens.map((token) => key(token, order.field, reviews));
  const positions = Array.from(keys, (_, at) => at);
  positions.sort((a, b) => compare(tokens[a], keys[a], tokens[b], keys[b]));
  return positions.map((at) => tokens[at]);
}

/** Below this many arrivals, each goes in by binary search; above, one merge pass. */
const INSERT_ONE_BY_ONE = 32;

/**
 * `sorted` (the earlier list, sorted by `order`) brought up to date with a
 * few tokens `added` and every token not `kept` (`null`: every one is kept),
 * without sorting it all again: one token changed among 100,000 is a binary
 * search, a page streamed in is a merge.
 */
export function resortChanged(
  sorted: readonly ListedToken[],
  added: readonly ListedToken[],
  kept: ((token: ListedToken) => boolean) | null,
  order: TokenOrder,
  reviews: ReadonlyMap<string, TokenReview> = new Map(),
): ListedToken[] {
  const compare = comparator(order);
  const keyOf = (token: ListedToken) => key(token, order.field, reviews);
  const arrivals = sortTokens(added, order, reviews);
  if (arrivals.length <= INSERT_ONE_BY_ONE) {
    const base = kept ? sorted.filter(kept) : sorted.slice();
    for (const token of arrivals) {
      const tokenKey = keyOf(token);
      let low = 0;
      let high = base.length;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (compare(base[middle], keyOf(base[middle]), token, tokenKey) <= 0) low = middle + 1;
        else high = middle;
      }
      base.splice(low, 0, token);
    }
    return base;
  }
  // A merge only reads the earlier list: when every row stays (a page
  // streamed in), it is read as it is rather than copied first.
  const base = kept ? sorted.filter(kept) : sorted;
  const merged: ListedToken[] = new Array(base.length + arrivals.length);
  let i = 0;
  let j = 0;
  let out = 0;
  let arrivalKey = keyOf(arrivals[0]);
  while (i < base.length && j < arrivals.length) {
    if (compare(base[i], keyOf(base[i]), arrivals[j], arrivalKey) <= 0) merged[out++] = base[i++];
    else {
      merged[out++] = arrivals[j++];
      if (j < arrivals.length) arrivalKey = keyOf(arrivals[j]);
    }
  }
  while (i < base.length) merged[out++] = base[i++];
  while (j < arrivals.length) merged[out++] = arrivals[j++];
  return merged;
}

/** What needs a look among the active tokens: each count is also a filter of the list. */
export interface Attention {
  /** Active tokens with no review date. */
  noReviewDate: number;
  /** Active tokens not used for 90 days or more (or never). */
  unused: number;
  /** Active tokens whose review date is within 30 days, or past. */
  dueSoon: number;
}

/** The filters behind each count of `Attention`. */
export const ATTENTION_FILTERS: Record<keyof Attention, Partial<TokenFilter>> = {
  noReviewDate: { status: 'Active', review: 'none', unusedDays: null },
  unused: { status: 'Active', review: 'any', unusedDays: 90 },
  dueSoon: { status: 'Active', review: 'soon', unusedDays: null },
};

/** Counts what needs a look, exactly as the matching filters would find it. */
export function attention(
  tokens: readonly ListedToken[],
  reviews: ReadonlyMap<string, TokenReview>,
  now: number = Date.now(),
): Attention {
  // Counted, not listed: the strip is recomputed as a long list streams in,
  // and three lists of up to 100,000 rows each time were only garbage.
  const count = (filter: Partial<TokenFilter>) =>
    countMatching(tokens, { search: '', status: null, ...filter }, reviews, now);
  return {
    noReviewDate: count(ATTENTION_FILTERS.noReviewDate),
    unused: count(ATTENTION_FILTERS.unused),
    dueSoon: count(ATTENTION_FILTERS.dueSoon),
  };
}
