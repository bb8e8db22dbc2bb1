// The command palette's ranking: what a person expects first for what they typed.

import { describe, expect, it } from 'vitest';
import { bestMatches, paletteScore } from '../src/lib/palette-rank';

const tokens = [
  { label: 'Nightly billing export', id: 'TKN-1111-2222', extra: 'Runs at 02:00' },
  { label: 'Billing robot', id: 'TKN-3333-4444', extra: null },
  { label: 'Support desk', id: 'TKN-5555-6666', extra: 'Reads billing tickets' },
  { label: 'Ebilling', id: 'TKN-7777-8888' },
];

describe('the palette ranking', () => {
  it('puts an exact id first, then names that start with the query, then words, then descriptions', () => {
    expect(bestMatches(tokens, 'billing', 10).map((token) => token.label)).toEqual([
      'Billing robot',
      'Nightly billing export',
      'Ebilling',
      'Support desk',
    ]);
    expect(bestMatches(tokens, 'tkn-5555-6666', 10)[0].label).toBe('Support desk');
    expect(bestMatches(tokens, '7777', 10).map((token) => token.label)).toEqual(['Ebilling']);
  });

  it('finds nothing for what nothing holds, and keeps at most the number asked', () => {
    expect(bestMatches(tokens, 'payroll', 10)).toEqual([]);
    expect(bestMatches(tokens, '', 2)).toHaveLength(2);
    expect(paletteScore({ label: 'Lock Token Desk', extra: 'away screen' }, 'screen')).toBeGreaterThan(0);
  });
});
