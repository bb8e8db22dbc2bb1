// A token as the list holds it. An operations admin's list can hold 100,000
// tokens, so a row keeps only the list's columns: the texts every row repeats
// (status, account, creator) shared, dates as numbers, no nested stamp
// objects, and no lower-cased copy for search (a search reads the columns
// themselves, see `filterTokens`). A token's page reads the whole token
// itself; the list's row stands in only until that read is in.

import type { AccountSummary, TokenRows, TokenView } from './bindings';

/** One row of the token list. */
export interface ListedToken {
  /** `TKN-NNNN-NNNN`. */
  readonly id: string;
  /** Display name. */
  readonly name: string;
  /** Free text: searched, and shown by the palette. */
  readonly description: string | null;
  /** `Active`, `Disabled`, or a newer state the platform reports. */
  readonly status: string;
  /** Last use, in milliseconds since 1970; `null`: never used (or not said). */
  readonly lastAccess: number | null;
  /** Creation, in milliseconds since 1970, when the platform sent it. */
  readonly created: number | null;
  /** Who created it, by name, when the platform sent it. */
  readonly createdBy: string | null;
  /** The account it belongs to: one shared object per account. */
  readonly account: AccountSummary | null;
}

// Texts that thousands of rows repeat, one copy each. They are few (states,
// accounts, the people who create tokens), so they are kept for the session.
const texts = new Map<string, string>();
const accounts = new Map<string, AccountSummary>();

function shared(text: string): string {
  const known = texts.get(text);
  if (known !== undefined) return known;
  texts.set(text, text);
  return text;
}

function sharedAccount(account: AccountSummary | null): AccountSummary | null {
  if (!account) return null;
  const key = `${account.id}\n${account.name}\n${account.accountType}`;
  const known = accounts.get(key);
  if (known) return known;
  accounts.set(key, account);
  return account;
}

// RFC 3339: date, `T` (or `t`, or a space), time to the second, any fraction, and a zone.
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

function rfc3339(text: string): number | null {
  const part = RFC_3339.exec(text);
  if (!part) return null;
  const [year, month, day, hour, minute, second] = part.slice(1, 7).map(Number);
  const local = Date.UTC(year, month - 1, day, hour, minute, second);
  const read = new Date(local);
  // Date.UTC rolls 30 February over into March: such a date is refused instead.
  const exact =
    read.getUTCFullYear() === year &&
    read.getUTCMonth() === month - 1 &&
    read.getUTCDate() === day &&
    read.getUTCHours() === hour &&
    read.getUTCMinutes() === minute &&
    read.getUTCSeconds() === second;
  const [offsetHours, offsetMinutes] = [Number(part[10] ?? 0), Number(part[11] ?? 0)];
  if (!exact || offsetHours > 23 || offsetMinutes > 59) return null;
  const fraction = Number((part[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const offset = (part[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return local + fraction - offset;
}

/**
 * An RFC 3339 date as milliseconds (`Z` and `+00:00`, any fraction, alike;
 * no zone is read as UTC); `null` when absent or unreadable. The desk reads
 * the list's dates by the same rules (`epoch_ms` in desk-core's
 * `tokens/rows.rs`; both are held to its `date-cases.json`), so a token reads
 * the same from the list and from its own answer.
 */
export function timeOf(iso: string | null | undefined): number | null {
  const text = iso?.trim();
  if (!text) return null;
  return rfc3339(text) ?? rfc3339(`${text}Z`);
}

/** The list's row for a token read from the Marketplace. */
export function listedToken(token: TokenView): ListedToken {
  return {
    id: token.id,
    name: token.name,
    description: token.description,
    status: shared(token.status),
    lastAccess: timeOf(token.lastAccessAt),
    created: timeOf(token.created?.at),
    createdBy: token.created?.byName ? shared(token.created.byName) : null,
    account: sharedAccount(token.account),
  };
}

/**
 * The list's rows for a batch as it crossed from the desk, column by column
 * (the texts it repeats, and dates as numbers, cross once). A column cut
 * short reads as "not said" rather than as another token's entry.
 */
export function listedRows(rows: TokenRows): ListedToken[] {
  const texts = rows.texts.map(shared);
  const accounts = rows.accounts.map(sharedAccount);
  const listed: ListedToken[] = [];
  for (let at = 0; at < rows.ids.length; at++) {
    const id = rows.ids[at];
    const name = rows.names[at] ?? '';
    const description = rows.descriptions[at] ?? null;
    const createdBy = rows.createdBy[at] ?? null;
    const account = rows.accountOf[at] ?? null;
    listed.push({
      id,
      name,
      description,
      status: texts[rows.statuses[at]] ?? '',
      lastAccess: rows.lastAccess[at] ?? null,
      created: rows.created[at] ?? null,
      createdBy: createdBy === null ? null : (texts[createdBy] ?? null),
      account: account === null ? null : (accounts[account] ?? null),
    });
  }
  return listed;
}

function iso(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}

/**
 * The token as its page shows it: the last whole read of it (`read`), with
 * the list's newer columns over it, since a refreshed list can be fresher
 * than a read made earlier; the row alone, until the first read is in.
 */
export function tokenOfRow(row: ListedToken, read: TokenView | undefined): TokenView {
  if (read) {
    const same =
      read.name === row.name &&
      read.description === row.description &&
      read.status === row.status &&
      timeOf(read.lastAccessAt) === row.lastAccess;
    return same
      ? read
      : {
          ...read,
          name: row.name,
          description: row.description,
          status: row.status,
          lastAccessAt: iso(row.lastAccess),
        };
  }
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    lastAccessAt: iso(row.lastAccess),
    account: row.account,
    modules: null,
    created:
      row.created === null && row.createdBy === null
        ? null
        : { at: iso(row.created), byId: null, byName: row.createdBy },
    updated: null,
  };
}
