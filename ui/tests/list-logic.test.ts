// The token list's logic without a screen: dates sorted as times, changes made
// while a list streams in (an event, Create) kept and never doubled, and
// Production recognised by its host as well as by its environment.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Channel } from '@tauri-apps/api/core';
import type { TokenBatch } from '../src/lib/bindings';
import {
  filterTokens,
  narrowingFilter,
  resortChanged,
  sortTokens,
  type TokenFilter,
  type TokenOrder,
} from '../src/lib/token-order';
import { isProduction } from '../src/lib/format';
import { flushPause, tokenList } from '../src/state/tokens.svelte';
import {
  batchesOf,
  connection,
  deferred,
  mockBackend,
  MODULES,
  resetAll,
  row,
  sendBatches,
  tokenRows,
  streams,
  token,
  type Answer,
} from './fixtures';
import { listedRows, listedToken, timeOf, tokenOfRow } from '../src/lib/listed-token';
import dateCases from '../../crates/desk-core/src/tokens/date-cases.json';

afterEach(resetAll);

/**
 * A `list_all_tokens` that holds its answer until the test settles `pending`;
 * `channel()` is the batch channel of the latest call, `channels` every call's.
 */
function heldListAll(answers: Record<string, Answer> = {}) {
  const pending = deferred<number>();
  const channels: Channel<TokenBatch>[] = [];
  mockBackend({
    ...answers,
    list_all_tokens: (args: Record<string, any>) => {
      channels.push(args.onBatch);
      return pending.promise;
    },
  });
  return { pending, channels, channel: () => channels[channels.length - 1] };
}

describe('sorting by date', () => {
  it('orders times, not their spelling', () => {
    const early = row({ lastAccessAt: '2026-03-01T10:00:00.5Z' });
    const late = row({ lastAccessAt: '2026-03-01T11:00:00+00:00' });
    const middle = row({ lastAccessAt: '2026-03-01T10:30:00Z' });
    const never = row({ lastAccessAt: null });
    const ids = sortTokens([late, never, early, middle], { field: 'lastAccess', descending: false }).map((t) => t.id);
    expect(ids).toEqual([early.id, middle.id, late.id, never.id]);
  });
});

describe('changes put in place instead of a new sort', () => {
  // A small deterministic generator: the same cases on every run.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
  }
  const names = ['alpha', 'Beta', 'beta', 'gamma 10', 'gamma 9', 'Ünter', 'unter', ''];
  const orders: TokenOrder[] = [
    { field: 'name', descending: false },
    { field: 'name', descending: true },
    { field: 'lastAccess', descending: false },
    { field: 'created', descending: true },
    { field: 'status', descending: false },
    { field: 'id', descending: true },
  ];

  for (const order of orders) {
    for (const arriving of [1, 5, 200]) {
      it(`matches a full sort by ${order.field}${order.descending ? ' descending' : ''}, ${arriving} changed`, () => {
        const next = random(arriving * 7 + order.field.length);
        const make = () =>
          row({
            name: names[Math.floor(next() * names.length)],
            status: next() < 0.5 ? 'Active' : 'Disabled',
            lastAccessAt:
              next() < 0.2 ? null : `2026-0${1 + Math.floor(next() * 9)}-1${Math.floor(next() * 9)}T10:00:00Z`,
          });
        const before = Array.from({ length: 300 }, make);
        const sorted = sortTokens(before, order);
        // Some tokens go, some are replaced by a changed copy, some are new.
        const gone = new Set(before.filter(() => next() < arriving / 600));
        const replaced = before.filter((t) => !gone.has(t)).slice(0, Math.ceil(arriving / 2));
        const changed = replaced.map((t) =>
          listedToken({ ...token({ id: t.id, status: t.status }), name: names[Math.floor(next() * names.length)] }),
        );
        const added = [...changed, ...Array.from({ length: Math.floor(arriving / 2) }, make)];
        const after = [...before.filter((t) => !gone.has(t) && !replaced.includes(t)), ...added];
        const kept = new Set(after);
        const patched = resortChanged(sorted, added, (t) => kept.has(t), order);
        expect(patched.map((t) => t.id)).toEqual(sortTokens(after, order).map((t) => t.id));
      });
    }
  }

  for (const arriving of [5, 200]) {
    it(`puts ${arriving} streamed rows in place, every row kept, leaving the earlier list as it was`, () => {
      const next = random(arriving);
      const make = () => row({ name: names[Math.floor(next() * names.length)] });
      const order: TokenOrder = { field: 'name', descending: false };
      const before = Array.from({ length: 300 }, make);
      // Frozen, as the list state's arrays are never changed once assigned.
      const sorted = Object.freeze(sortTokens(before, order));
      const added = Array.from({ length: arriving }, make);
      const patched = resortChanged(sorted, added, null, order);
      expect(patched).not.toBe(sorted);
      expect(sorted).toHaveLength(300);
      expect(patched.map((t) => t.id)).toEqual(sortTokens([...before, ...added], order).map((t) => t.id));
    });
  }

  it('a token renamed in a loaded list moves to its new place without a full sort of the rest', async () => {
    const tokens = ['Delta', 'Alpha', 'Charlie'].map((name) => token({ name }));
    mockBackend({ list_all_tokens: streams(tokens) });
    await tokenList.load('CONN-1');
    expect(tokenList.sorted.map((t) => t.name)).toEqual(['Alpha', 'Charlie', 'Delta']);
    tokenList.upsert({ ...tokens[0], name: 'Bravo' });
    expect(tokenList.sorted.map((t) => t.name)).toEqual(['Alpha', 'Bravo', 'Charlie']);
    tokenList.removeLocally(tokens[1].id);
    expect(tokenList.sorted.map((t) => t.name)).toEqual(['Bravo', 'Charlie']);
  });

  it('changes made one by one, before the list is next drawn, are put in place as a full sort would', async () => {
    const tokens = Array.from({ length: 300 }, (_, i) => token({ name: `Token ${(i * 7919) % 300}` }));
    mockBackend({ list_all_tokens: streams(tokens) });
    await tokenList.load('CONN-1');
    expect(tokenList.sorted).toHaveLength(300);
    // Several changes between two reads of the list, one undoing another.
    const created = token({ name: 'Token 150a' });
    tokenList.upsert({ ...tokens[3], name: 'AAA first now' });
    tokenList.upsert(created);
    tokenList.upsert({ ...created, name: 'ZZZ last now' });
    tokenList.removeLocally(tokens[10].id);
    tokenList.upsert({ ...tokens[3], name: 'Token 3 again' });
    const created2 = token({ name: 'Gone again' });
    tokenList.upsert(created2);
    tokenList.removeLocally(created2.id);
    tokenList.removeLocally('TKN-0000-0000');
    const expected = sortTokens(tokenList.all, { field: 'name', descending: false }).map((t) => t.id);
    expect(tokenList.sorted.map((t) => t.id)).toEqual(expected);
    expect(tokenList.sorted).toHaveLength(300);
    expect(tokenList.sorted.find((t) => t.id === created.id)?.name).toBe('ZZZ last now');
    expect(tokenList.sorted.some((t) => t.id === tokens[10].id || t.id === created2.id)).toBe(false);
  });

  it('a token changed in a long list is put in place without a set of every row', async () => {
    const tokens = Array.from({ length: 2_000 }, (_, i) => token({ name: `Token ${i}` }));
    mockBackend({ list_all_tokens: streams(tokens) });
    await tokenList.load('CONN-1');
    expect(tokenList.sorted).toHaveLength(2_000);
    // Every set made from the whole list, counted: each one is megabytes at 100,000 tokens.
    let wholeListSets = 0;
    const RealSet = Set;
    vi.stubGlobal(
      'Set',
      class CountingSet<T> extends RealSet<T> {
        constructor(items?: Iterable<T> | null) {
          super(items);
          if (this.size >= 1_000) wholeListSets += 1;
        }
      },
    );
    try {
      tokenList.upsert({ ...tokens[5], name: 'A renamed token' });
      tokenList.removeLocally(tokens[6].id);
      expect(tokenList.sorted[0].name).toBe('A renamed token');
      expect(tokenList.sorted).toHaveLength(1_999);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(wholeListSets).toBe(0);
  });
});

describe('a search typed on', () => {
  it('answers what a search of all the rows would, keystroke by keystroke', () => {
    const names = ['billing export', 'billing sync', 'bill', 'sync', 'Export prod', 'ci pipeline'];
    const tokens = names.map((name, i) => row({ name, status: i % 2 ? 'Disabled' : 'Active' }));
    const filter = narrowingFilter();
    const base: TokenFilter = { status: null, search: '', review: 'any', unusedDays: null };
    const steps: TokenFilter[] = [
      ...['b', 'bi', 'bil', 'bill', 'billi', 'billing', 'billing s'].map((search) => ({ ...base, search })),
      // Deleting characters widens the search again; so does another status.
      { ...base, search: 'bil' },
      { ...base, search: 'bil', status: 'Active' },
      { ...base, search: 'bill', status: 'Active' },
      { ...base, search: 'x' },
      { ...base, search: '' },
    ];
    for (const step of steps) {
      expect(filter(tokens, step).map((t) => t.name)).toEqual(filterTokens(tokens, step).map((t) => t.name));
    }
    // Another list (a token renamed) is searched whole.
    const renamed = tokens.map((t) =>
      t.name === 'sync' ? listedToken({ ...token({ id: t.id }), name: 'billing again' }) : t,
    );
    const search = { ...base, search: 'billing' };
    expect(filter(tokens, search)).toHaveLength(2);
    // Narrowing the old answer would find nothing: the renamed token was not in it.
    expect(filter(renamed, { ...search, search: 'billing a' }).map((t) => t.name)).toEqual(['billing again']);
  });
});

describe('a keystroke over many rows', () => {
  it('reads the filter once, not once per row (the list filter is tracked state)', () => {
    const tokens = Array.from({ length: 1_000 }, (_, i) => row({ id: `TKN-0000-${i}`, name: `billing ${i}` }));
    let reads = 0;
    const counted: TokenFilter = { search: 'bill', review: 'any', unusedDays: null, status: 'Active' };
    const tracked = new Proxy(counted, {
      get(target, key: keyof TokenFilter) {
        reads++;
        return target[key];
      },
    });
    expect(filterTokens(tokens, tracked)).toHaveLength(1_000);
    expect(reads).toBeLessThan(10);
  });
});

describe('dates', () => {
  it('are read by the rules the desk shares', () => {
    expect(dateCases.length).toBeGreaterThan(10);
    for (const { text, ms, why } of dateCases) expect(timeOf(text), `${JSON.stringify(text)}: ${why}`).toBe(ms);
  });
});

describe('a keystroke that hides nothing', () => {
  it('answers the very rows it was given, so the list has nothing to redraw', () => {
    const tokens = ['billing export', 'billing sync', 'deploy'].map((name, i) => row({ id: `TKN-0000-000${i}`, name }));
    const base: TokenFilter = { status: null, search: '', review: 'any', unusedDays: null };
    expect(filterTokens(tokens, { ...base, search: 'tkn-' })).toBe(tokens);
    const billing = filterTokens(tokens, { ...base, search: 'bill' });
    expect(billing.map((t) => t.name)).toEqual(['billing export', 'billing sync']);
    expect(filterTokens(tokens, { ...base, search: 'e' }).map((t) => t.name)).toEqual(['billing export', 'deploy']);
    // Typed on, the narrowing search hands the last answer back as it is.
    const typed = narrowingFilter();
    const reviews = new Map();
    const bill = typed(tokens, { ...base, search: 'bill' }, reviews);
    expect(typed(tokens, { ...base, search: 'billi' }, reviews)).toBe(bill);
    expect(typed(tokens, { ...base, search: 'billing s' }, reviews).map((t) => t.name)).toEqual(['billing sync']);
  });
});

describe('the list remembered from the last start', () => {
  const savedAt = '2026-12-01T10:00:00Z';

  function slowList() {
    return heldListAll({ remembered_tokens: { rows: tokenRows([token({ name: 'Kept from yesterday' })]), savedAt } });
  }

  it('shows at once, marked, and the fresh list replaces it whole', async () => {
    const { pending, channel } = slowList();
    const loading = tokenList.load('CONN-1');
    await vi.waitFor(() => expect(tokenList.rememberedAt).toBe(savedAt));
    expect(tokenList.all.map((t) => t.name)).toEqual(['Kept from yesterday']);
    // Half the fresh list in: the remembered one still shows, not a mix of both.
    const fresh = [token({ name: 'Fresh A' }), token({ name: 'Fresh B' }), token({ name: 'Fresh C' })];
    sendBatches(channel(), batchesOf(fresh).slice(0, 1));
    expect(tokenList.all.map((t) => t.name)).toEqual(['Kept from yesterday']);
    sendBatches(channel(), batchesOf(fresh));
    pending.resolve(3);
    await loading;
    expect(tokenList.rememberedAt).toBeNull();
    expect(tokenList.sorted.map((t) => t.name)).toEqual(['Fresh A', 'Fresh B', 'Fresh C']);
  });

  it('stays, still marked, when the fresh list fails', async () => {
    const { pending } = slowList();
    const loading = tokenList.load('CONN-1');
    await vi.waitFor(() => expect(tokenList.rememberedAt).toBe(savedAt));
    pending.reject({ kind: 'network', message: 'The Marketplace did not answer.', fieldErrors: [], traceId: null });
    await loading;
    expect(tokenList.phase).toBe('error');
    expect(tokenList.rememberedAt).toBe(savedAt);
    expect(tokenList.all.map((t) => t.name)).toEqual(['Kept from yesterday']);
  });

  it('is not shown over a fresh list that came back empty', async () => {
    const remembered = deferred<unknown>();
    mockBackend({ remembered_tokens: () => remembered.promise, list_all_tokens: streams([]) });
    await tokenList.load('CONN-1');
    remembered.resolve({ rows: tokenRows([token({ name: 'Deleted since' })]), savedAt });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(tokenList.all).toEqual([]);
    expect(tokenList.rememberedAt).toBeNull();
  });

  it('is not shown once fresh rows are there', async () => {
    const fresh = token({ name: 'Fresh first' });
    const remembered = deferred<unknown>();
    mockBackend({
      remembered_tokens: () => remembered.promise,
      list_all_tokens: streams([fresh]),
    });
    await tokenList.load('CONN-1');
    remembered.resolve({ rows: tokenRows([token({ name: 'Too late' })]), savedAt });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(tokenList.all.map((t) => t.name)).toEqual(['Fresh first']);
    expect(tokenList.rememberedAt).toBeNull();
  });
});

describe('changes while the list streams in', () => {
  it('a token changed during a refresh keeps its new state', async () => {
    const a = token({ name: 'Alpha' });
    const b = token({ name: 'Beta' });
    let attempts = 0;
    const pending = deferred<number>();
    let channel: Channel<TokenBatch> | null = null;
    mockBackend({
      list_all_tokens: (args: Record<string, any>) => {
        attempts += 1;
        if (attempts === 1) return streams([a, b])(args);
        channel = args.onBatch;
        return pending.promise;
      },
    });
    await tokenList.load('conn-1');
    const refreshing = tokenList.refresh();
    // Disabled by an event while the refresh's old copy of it streams in.
    tokenList.upsert({ ...b, status: 'Disabled' });
    sendBatches(channel!, batchesOf([a, b]));
    pending.resolve(2);
    await refreshing;
    expect(tokenList.all.find((t) => t.id === b.id)?.status).toBe('Disabled');
    expect(tokenList.all).toHaveLength(2);
  });

  it('a token created while the first load streams in is shown once', async () => {
    const a = token({ name: 'Alpha' });
    const created = token({ name: 'Created meanwhile' });
    const { pending, channel } = heldListAll();
    const loading = tokenList.load('conn-1');
    await Promise.resolve();
    tokenList.upsert(created);
    sendBatches(channel(), batchesOf([a, created]));
    pending.resolve(2);
    await loading;
    expect(tokenList.all.filter((t) => t.id === created.id)).toHaveLength(1);
    expect(tokenList.all).toHaveLength(2);
  });

  it('a token deleted while the first load streams in stays out when its row arrives', async () => {
    const [a, b, deleted] = [token({ name: 'Alpha' }), token({ name: 'Beta' }), token({ name: 'Deleted meanwhile' })];
    const { pending, channel } = heldListAll();
    const loading = tokenList.load('conn-1');
    await Promise.resolve();
    sendBatches(channel(), batchesOf([a]));
    tokenList.removeLocally(deleted.id);
    sendBatches(channel(), batchesOf([b, deleted]), 1);
    pending.resolve(3);
    await loading;
    expect(tokenList.all.map((t) => t.name).sort()).toEqual(['Alpha', 'Beta']);
  });
});

describe('a long list streaming in', () => {
  it('appends each frame while short, then up to a second apart as it grows', () => {
    expect(flushPause(0)).toBe(0);
    expect(flushPause(1_999)).toBe(0);
    expect(flushPause(10_000)).toBe(100);
    expect(flushPause(100_000)).toBe(1_000);
    expect(flushPause(1_000_000)).toBe(1_000);
  });

  it("does not make another connection's first rows wait for the last list's pause", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    try {
      const long = Array.from({ length: 3_000 }, () => token());
      const other = [token({ name: 'Other connection' })];
      const { channels } = heldListAll();
      void tokenList.load('conn-1');
      await vi.advanceTimersByTimeAsync(0);
      const [first, rest] = batchesOf(long, 2_500);
      sendBatches(channels[0], [first]);
      await vi.advanceTimersByTimeAsync(20);
      expect(tokenList.all).toHaveLength(2_500);
      // The rest waits for a pause of 25 ms, which the switch cuts short.
      sendBatches(channels[0], [rest], 1);
      void tokenList.load('conn-2');
      await vi.advanceTimersByTimeAsync(0);
      sendBatches(channels[1], batchesOf(other));
      await vi.advanceTimersByTimeAsync(17);
      expect(tokenList.all.map((t) => t.name)).toEqual(['Other connection']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('ends sorted and whole, appended far fewer times than batches came', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'requestAnimationFrame'] });
    try {
      const tokens = Array.from({ length: 6_000 }, (_, i) => token({ name: `Token ${(i * 7919) % 6_000}` }));
      const { pending, channel } = heldListAll();
      const loading = tokenList.load('conn-1');
      await vi.advanceTimersByTimeAsync(0);
      const appends: number[] = [];
      let last = tokenList.all;
      // 120 batches of 50, one every 10 ms. (The desk sends each token once:
      // pages that overlap as the list shifts are joined in desk-core.)
      const batches = batchesOf(tokens, 50);
      for (const [index, batch] of batches.entries()) {
        sendBatches(channel(), [batch], index);
        await vi.advanceTimersByTimeAsync(10);
        if (tokenList.all !== last) {
          appends.push(tokenList.all.length);
          last = tokenList.all;
          // Whatever is in so far is in order.
          const names = tokenList.sorted.map((t) => t.name);
          expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
        }
      }
      expect(appends.length).toBeGreaterThan(3);
      expect(appends.length).toBeLessThan(batches.length / 2);
      pending.resolve(tokens.length);
      await vi.advanceTimersByTimeAsync(2_000);
      await loading;
      expect(tokenList.all).toHaveLength(tokens.length);
      expect(new Set(tokenList.sorted.map((t) => t.id)).size).toBe(tokens.length);
      expect(tokenList.sorted.map((t) => t.id)).toEqual(sortTokens(tokenList.all, tokenList.order).map((t) => t.id));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('Production', () => {
  it('is Production by environment or by host, whatever it is called', () => {
    expect(isProduction(connection({ environment: { kind: 'production' } }))).toBe(true);
    const proxyToProduction = connection({
      environment: { kind: 'custom', url: 'https://API.platform.softwareone.com/' },
      baseUrl: 'https://API.platform.softwareone.com',
    });
    expect(isProduction(proxyToProduction)).toBe(true);
    expect(isProduction(connection({ environment: { kind: 'test' } }))).toBe(false);
  });
});

describe('the list keeps rows, not whole tokens', () => {
  it('shares what rows repeat, keeps dates as times, and no lower-cased copy for search', () => {
    const [a, b] = [
      token({ name: 'Billing EXPORT', lastAccessAt: '2026-03-01T10:00:00+00:00' }),
      token({ description: 'Nightly SYNC' }),
    ].map(listedToken);
    // Each parsed token brings its own copy of the account; the rows hold one.
    expect(a.account).toBe(b.account);
    expect(a.account).toEqual({ id: 'ACC-1111-2222', name: 'Acme Ltd', accountType: 'Vendor' });
    expect(a.lastAccess).toBe(Date.parse('2026-03-01T10:00:00Z'));
    expect(b.lastAccess).toBeNull();
    expect(a.created).toBe(Date.parse('2026-01-10T09:00:00Z'));
    expect(a.createdBy).toBe('Ada Admin');
    expect(Object.keys(a).sort()).toEqual(
      ['account', 'created', 'createdBy', 'description', 'id', 'lastAccess', 'name', 'status'].sort(),
    );
    expect(filterTokens([a, b], { status: null, search: 'sync' })).toEqual([b]);
  });

  it('searches name, id and description ignoring case, and what is typed is only text', () => {
    const rows = [
      token({ id: 'TKN-1111-0001', name: 'Billing EXPORT', description: null }),
      token({ id: 'TKN-1111-0002', name: 'Deploy', description: 'Nightly SYNC (prod)' }),
      token({ id: 'TKN-1111-0003', name: 'Müller wiki', description: 'a.b*c' }),
      token({ id: 'TKN-1111-0004', name: 'axb', description: 'İzmir office, 5 \u212A' }),
      token({ id: 'TKN-1111-0005', name: 'pipes | and $ \\ ^', description: null }),
    ].map(listedToken);
    const names = (search: string) => filterTokens(rows, { status: null, search }).map((t) => t.name);
    expect(names('export')).toEqual(['Billing EXPORT']);
    expect(names('BILLING e')).toEqual(['Billing EXPORT']);
    expect(names('tkn-1111-0002')).toEqual(['Deploy']);
    expect(names('sync (PROD)')).toEqual(['Deploy']);
    expect(names('MÜLLER')).toEqual(['Müller wiki']);
    // Pattern characters are found as themselves, never read as a pattern.
    expect(names('a.b*c')).toEqual(['Müller wiki']);
    expect(names('a.b')).toEqual(['Müller wiki']);
    expect(names('.*')).toEqual([]);
    expect(names('[')).toEqual([]);
    expect(names('|')).toEqual(['pipes | and $ \\ ^']);
    expect(names('$ \\ ^')).toEqual(['pipes | and $ \\ ^']);
    expect(names('^p')).toEqual([]);
    // Typed exactly, a text is found whatever its letters' case folding.
    expect(names('İzmir')).toEqual(['axb']);
    expect(names('5 \u212A')).toEqual(['axb']);
    // A search never matches across two fields.
    expect(names('export tkn')).toEqual([]);
  });

  it('reads a batch column by column into the same rows a whole token makes', () => {
    const tokens = [
      token({ name: 'Billing', lastAccessAt: '2026-03-01T10:00:00+00:00', description: 'Nightly' }),
      token({ name: 'Deploy', status: 'Disabled', account: null, created: null }),
      token({ name: 'Sync', account: { id: 'ACC-9', name: 'Other', accountType: 'Client' } }),
    ];
    const rows = listedRows(tokenRows(tokens));
    expect(rows).toEqual(tokens.map(listedToken));
    // Texts and accounts a batch repeats, and those of the batches before it, are one object.
    const again = listedRows(tokenRows(tokens));
    expect(again[0].account).toBe(rows[0].account);
    expect(again[2].account).toBe(rows[2].account);
  });

  it('reads a column cut short, or an index past its table, as not said', () => {
    const rows = listedRows({
      ids: ['TKN-0000-0001', 'TKN-0000-0002'],
      names: ['Only one name'],
      descriptions: [],
      statuses: [0, 7],
      lastAccess: [1_700_000_000_000],
      created: [],
      createdBy: [3],
      accountOf: [null, 9],
      texts: ['Active'],
      accounts: [],
    });
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ name: 'Only one name', status: 'Active', lastAccess: 1_700_000_000_000 });
    expect(rows[0]).toMatchObject({ description: null, created: null, createdBy: null, account: null });
    expect(rows[1]).toMatchObject({ id: 'TKN-0000-0002', name: '', status: '', lastAccess: null, account: null });
  });

  it("a token's page shows its last read, with a refreshed list's newer columns over it", async () => {
    const ci = token({ name: 'CI', description: 'Deploys', modules: MODULES.slice(0, 2) });
    mockBackend({ list_all_tokens: streams([{ ...ci, modules: null }]) });
    await tokenList.load('CONN-1');
    // Only a token's own read brings its modules; the list's row leaves them out.
    expect(tokenList.token(ci.id)?.modules).toBeNull();
    tokenList.upsert(ci);
    expect(tokenList.token(ci.id)?.modules).toEqual(MODULES.slice(0, 2));
    // Renamed, disabled and its description cleared elsewhere: the next list says so.
    mockBackend({
      list_all_tokens: streams([{ ...ci, name: 'CI (old)', status: 'Disabled', description: null, modules: null }]),
    });
    await tokenList.refresh();
    const shown = tokenList.token(ci.id);
    expect(shown).toMatchObject({ name: 'CI (old)', status: 'Disabled', description: null });
    expect(shown?.modules).toEqual(MODULES.slice(0, 2));
    // Gone from the list: the page has nothing to show, and the read is let go.
    tokenList.removeLocally(ci.id);
    expect(tokenList.token(ci.id)).toBeNull();
    expect(tokenList.read.has(ci.id)).toBe(false);
  });

  it('a row alone stands for the token until it is read', () => {
    const view = tokenOfRow(row({ name: 'Fresh', lastAccessAt: '2026-03-01T10:00:00Z' }), undefined);
    expect(view).toMatchObject({
      name: 'Fresh',
      modules: null,
      updated: null,
      lastAccessAt: '2026-03-01T10:00:00.000Z',
    });
    expect(view.created).toEqual({ at: '2026-01-10T09:00:00.000Z', byId: null, byName: 'Ada Admin' });
  });
});
