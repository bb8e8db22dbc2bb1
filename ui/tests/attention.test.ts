// The strip above the list: its counts match, token for token, the filters its buttons set.

import { describe, expect, it } from 'vitest';
import type { TokenReview } from '../src/lib/bindings';
import { attention, ATTENTION_FILTERS, countMatching, filterTokens, type TokenFilter } from '../src/lib/token-order';
import { row } from './fixtures';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const DAY = 24 * 3600 * 1000;

function review(tokenId: string, daysLeft: number, stage: TokenReview['stage']): TokenReview {
  return { tokenId, date: '2026-12-20', daysLeft, stage, disableAtDate: false, disableOutcome: null };
}

describe('what needs a look', () => {
  it('counts active tokens without a date, unused for 90 days and due within 30, as their filters find them', () => {
    const fresh = row({ lastAccessAt: new Date(NOW - 2 * DAY).toISOString() });
    const stale = row({ lastAccessAt: new Date(NOW - 120 * DAY).toISOString() });
    const never = row({ lastAccessAt: null });
    const due = row({ lastAccessAt: new Date(NOW - DAY).toISOString() });
    const disabled = row({ status: 'Disabled', lastAccessAt: null });
    const tokens = [fresh, stale, never, due, disabled];
    const reviews = new Map([
      [due.id, review(due.id, 10, 'within30Days')],
      [fresh.id, review(fresh.id, 200, 'later')],
    ]);
    const counts = attention(tokens, reviews, NOW);
    expect(counts).toEqual({ noReviewDate: 2, unused: 2, dueSoon: 1 });
    for (const key of ['noReviewDate', 'unused', 'dueSoon'] as const) {
      const found = filterTokens(tokens, { search: '', status: null, ...ATTENTION_FILTERS[key] }, reviews, NOW);
      expect(found).toHaveLength(counts[key]);
      expect(found).not.toContain(disabled);
    }
  });

  it('counts exactly what the filter would list, for any filter', () => {
    const tokens = [
      row({ name: 'Billing export', lastAccessAt: null }),
      row({ name: 'billing import', status: 'Disabled', lastAccessAt: new Date(NOW - 200 * DAY).toISOString() }),
      row({ name: 'CI pipeline', lastAccessAt: new Date(NOW - DAY).toISOString() }),
    ];
    const filters: TokenFilter[] = [
      { search: '', status: null },
      { search: 'BILL', status: null },
      { search: 'bill', status: 'Active' },
      { search: '', status: null, unusedDays: 90 },
      { search: 'nothing like it', status: null },
    ];
    const counted = filters.map((filter) => countMatching(tokens, filter, new Map(), NOW));
    expect(counted).toEqual([3, 2, 1, 2, 0]);
    expect(counted).toEqual(filters.map((filter) => filterTokens(tokens, filter, new Map(), NOW).length));
  });
});
