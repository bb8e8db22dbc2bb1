// Local filtering and sorting of the token list: once every page has streamed
// in, both happen here, instantly, instead of asking the Marketplace again.

import type { TokenSortField, TokenState, TokenView } from './bindings';

/** How the list is ordered. */
export type TokenOrder = { field: TokenSortField; descending: boolean };

/** Which tokens the list shows. */
export type TokenFilter = { status: TokenState | null; search: string };

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

// Lower-cased name, id and description, computed once per token object: a
// keystroke then costs one `includes` per token.
const haystacks = new WeakMap<TokenView, string>();

function haystack(token: TokenView): string {
  let text = haystacks.get(token);
  if (text === undefined) {
    text = `${token.name}\n${token.id}\n${token.description ?? ''}`.toLowerCase();
    haystacks.set(token, text);
  }
  return text;
}

/** Prepares the search text of every token ahead of the first keystroke. */
export function prepareSearch(tokens: readonly TokenView[]): void {
  for (const token of tokens) haystack(token);
}

/** The tokens that match `filter`, in the order given. */
export function filterTokens(tokens: readonly TokenView[], filter: TokenFilter): TokenView[] {
  const needle = filter.search.trim().toLowerCase();
  if (!needle && !filter.status) return tokens as TokenView[];
  return tokens.filter(
    (token) => (!filter.status || token.status === filter.status) && (!needle || haystack(token).includes(needle)),
  );
}

/** A date as milliseconds, so `Z` and `+00:00`, or different fractions, compare right. */
function time(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : at;
}

function key(token: TokenView, field: TokenSortField): string | number | null {
  switch (field) {
    case 'name':
      return token.name;
    case 'id':
      return token.id;
    case 'status':
      return token.status;
    case 'lastAccess':
      return time(token.lastAccessAt);
    case 'created':
      return time(token.created?.at);
  }
}

/** A sorted copy: missing values last whatever the direction, the id breaks ties. */
export function sortTokens(tokens: readonly TokenView[], order: TokenOrder): TokenView[] {
  const direction = order.descending ? -1 : 1;
  const textual = order.field === 'name' || order.field === 'status';
  return tokens.slice().sort((a, b) => {
    const left = key(a, order.field);
    const right = key(b, order.field);
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
  });
}
