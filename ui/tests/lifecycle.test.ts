// Beyond the portal, on screen: review-by dates on the token page and in the
// list's filters, Rotate… with its grace period and the value offered once,
// and the rotation notices that ask before the old token goes.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import TokenPage from '../src/screens/token/TokenPage.svelte';
import type { Rotation, TokenReview, TokenView } from '../src/lib/bindings';
import { filterTokens, sortTokens } from '../src/lib/token-order';
import { dateInDays } from '../src/lib/review';
import { notes } from '../src/state/notes.svelte';
import { connection, deskError, mockBackend, MODULES, resetAll, row, token, type Answer } from './fixtures';

afterEach(resetAll);

const CI: TokenView = token({ id: 'TKN-3000-0001', name: 'CI pipeline', modules: MODULES });
const NEXT: TokenView = token({ id: 'TKN-3000-0002', name: 'CI pipeline 2026-11-30', modules: MODULES });

function review(tokenId: string, daysLeft: number, stage: TokenReview['stage']): TokenReview {
  return { tokenId, date: dateInDays(daysLeft), daysLeft, stage, disableAtDate: false, disableOutcome: null };
}

function rotation(overrides: Partial<Rotation> = {}): Rotation {
  return {
    id: 'rot-1',
    oldTokenId: CI.id,
    oldName: CI.name,
    newTokenId: NEXT.id,
    newName: NEXT.name,
    startedAt: '2026-11-30T12:00:00Z',
    disableAt: '2026-12-01T12:00:00Z',
    state: 'waiting',
    finishedAt: null,
    problem: null,
    signIn: false,
    ...overrides,
  };
}

async function renderPage(answers: Record<string, Answer> = {}) {
  const backend = mockBackend({ get_token: CI, assignable_modules: MODULES, ...answers });
  await notes.load('conn-1');
  render(TokenPage, { connection: connection(), tokenId: CI.id, onBack: vi.fn() });
  await screen.findByRole('heading', { level: 1, name: 'CI pipeline' });
  return backend;
}

describe('the list filters', () => {
  const due = row({ name: 'Due', lastAccessAt: new Date().toISOString() });
  const soon = row({ name: 'Soon', lastAccessAt: null });
  const later = row({ name: 'Later', lastAccessAt: new Date(Date.now() - 100 * 86_400_000).toISOString() });
  const none = row({ name: 'None', lastAccessAt: new Date(Date.now() - 10 * 86_400_000).toISOString() });
  const reviews = new Map([
    [due.id, review(due.id, -2, 'due')],
    [soon.id, review(soon.id, 12, 'within30Days')],
    [later.id, review(later.id, 200, 'later')],
  ]);
  const names = (filter: Parameters<typeof filterTokens>[1]) =>
    filterTokens([due, soon, later, none], filter, reviews).map((t) => t.name);

  it('"due within 30 days" keeps the soon and the overdue, "due or overdue" only those past', () => {
    expect(names({ status: null, search: '', review: 'soon' })).toEqual(['Due', 'Soon']);
    expect(names({ status: null, search: '', review: 'due' })).toEqual(['Due']);
  });

  it('sorts by review date, nearest first, tokens without one last either way', () => {
    const sorted = (descending: boolean) =>
      sortTokens([none, later, due, soon], { field: 'reviewBy', descending }, reviews).map((t) => t.name);
    expect(sorted(false)).toEqual(['Due', 'Soon', 'Later', 'None']);
    expect(sorted(true)).toEqual(['Later', 'Soon', 'Due', 'None']);
  });

  it('"not used for N days" keeps the stale and the never used', () => {
    expect(names({ status: null, search: '', unusedDays: 30 })).toEqual(['Soon', 'Later']);
    expect(names({ status: null, search: '', unusedDays: 5 })).toEqual(['Soon', 'Later', 'None']);
  });
});

describe('review-by date on the token page', () => {
  it('a preset sets the date, kept on this device, and shows how close it is', async () => {
    const backend = await renderPage({
      set_review_by: (args: Record<string, any>) => ({
        ...review(CI.id, 90, 'later'),
        date: args.review.date,
      }),
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Set a review date…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'In 90 days' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Save review date' }));
    await waitFor(() => expect(screen.getByText(/in 90 days/)).toBeTruthy());
    expect(backend.callsTo('set_review_by')).toEqual([
      { connectionId: 'conn-1', tokenId: CI.id, review: { date: dateInDays(90), disableAtDate: false } },
    ]);
    expect(screen.getByText(/Kept on this device only/)).toBeTruthy();
  });

  it('a refused date is shown at the field and nothing changes', async () => {
    await renderPage({
      set_review_by: () => {
        throw deskError('validation', 'Choose today or a later date.', [
          { field: 'reviewBy', message: 'Choose today or a later date.' },
        ]);
      },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Set a review date…' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Save review date' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Choose today or a later date.');
    expect(screen.getByRole('button', { name: 'Save review date' })).toBeTruthy();
  });

  it('a due review says so above the tabs', async () => {
    await renderPage({ review_dates: [review(CI.id, -1, 'due')] });
    expect(await screen.findByText(/Review overdue:/)).toBeTruthy();
  });
});

describe('Rotate…', () => {
  it("a leak's Rotate now opens it at once, the old token going now", async () => {
    const backend = mockBackend({
      get_token: CI,
      assignable_modules: MODULES,
      rotate_token: { rotation: rotation(), newToken: NEXT },
    });
    await notes.load('conn-1');
    render(TokenPage, { connection: connection(), tokenId: CI.id, rotateAtOnce: true, onBack: vi.fn() });
    const dialog = await screen.findByRole('dialog', { name: /Rotate “CI pipeline”/ });
    expect((within(dialog).getByRole('radio', { name: /Now/ }) as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate token' }));
    await waitFor(() =>
      expect(backend.callsTo('rotate_token')).toEqual([{ connectionId: 'conn-1', tokenId: CI.id, grace: 'now' }]),
    );
  });

  it('rotates with the chosen grace period and offers the new value once', async () => {
    const backend = await renderPage({
      rotate_token: { rotation: rotation(), newToken: NEXT },
      copy_token_value: { copied: 'the value', clearsAtMs: null },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Rotate…' }));
    const dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('radio', { name: /After 1 hour/ }));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate token' }));
    expect(await within(dialog).findByText(/is ready/)).toBeTruthy();
    expect(backend.callsTo('rotate_token')).toEqual([{ connectionId: 'conn-1', tokenId: CI.id, grace: 'oneHour' }]);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Copy the new value' }));
    await waitFor(() => expect(backend.callsTo('copy_token_value')[0]).toMatchObject({ tokenId: NEXT.id }));
    expect(within(dialog).getByRole('button', { name: 'Open the new token' })).toBeTruthy();
  });

  it('a failed rotation says why and keeps the dialog', async () => {
    await renderPage({
      rotate_token: () => {
        throw deskError('refused', 'This token is already being rotated: finish or cancel that rotation first.');
      },
    });
    await fireEvent.click(screen.getByRole('button', { name: 'Rotate…' }));
    const dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Rotate token' }));
    expect(await within(dialog).findByText(/already being rotated/)).toBeTruthy();
    expect(within(dialog).getByRole('button', { name: 'Rotate token' })).toBeTruthy();
  });
});

describe('rotation notices', () => {
  it('the old token shows what replaces it and when it goes', async () => {
    await renderPage({ rotations: [rotation()] });
    expect(await screen.findByText(/Being replaced by CI pipeline 2026-11-30/)).toBeTruthy();
  });

  it('a grace period that ended while closed asks, and "Disable the old token now" answers', async () => {
    const backend = await renderPage({
      rotations: [rotation({ state: 'needsAnswer' })],
      finish_rotation: rotation({ state: 'done', finishedAt: '2026-12-01T13:00:00Z' }),
    });
    expect(await screen.findByText(/ended while Token Desk was closed/)).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Disable the old token now' }));
    await waitFor(() => expect(screen.getByText(/the old token was disabled/)).toBeTruthy());
    expect(backend.callsTo('finish_rotation')).toEqual([{ connectionId: 'conn-1', rotationId: 'rot-1' }]);
  });
});

describe('the Usage tab', () => {
  const seen = (value: string, detail: string | null = null) => ({
    value,
    detail,
    firstSeen: '2026-11-01T00:00:00Z',
    lastSeen: '2026-11-03T00:00:00Z',
    records: 2,
  });

  it('reads the usage only when opened, then lists where the token acted from', async () => {
    const backend = await renderPage({
      token_usage: {
        lastAccessAt: '2026-11-03T00:00:05Z',
        lastActivity: null,
        ips: [seen('192.0.2.1', 'Spain, Madrid')],
        countries: [seen('Spain')],
        userAgents: [seen('curl/8.5.0')],
        recordsRead: 2,
        truncated: false,
      },
    });
    expect(backend.callsTo('token_usage')).toEqual([]);
    await fireEvent.click(screen.getByRole('tab', { name: 'Usage' }));
    const addresses = await screen.findByRole('region', { name: 'Addresses' });
    expect(within(addresses).getByText('192.0.2.1')).toBeTruthy();
    expect(within(addresses).getByText('Spain, Madrid')).toBeTruthy();
    expect(screen.getByText(/From the 2 audit records this token made/)).toBeTruthy();
    expect(backend.callsTo('token_usage')).toEqual([{ connectionId: 'conn-1', tokenId: CI.id }]);
  });

  it('says plainly when the token never did anything', async () => {
    await renderPage({
      token_usage: {
        lastAccessAt: null,
        lastActivity: null,
        ips: [],
        countries: [],
        userAgents: [],
        recordsRead: 0,
        truncated: false,
      },
    });
    await fireEvent.click(screen.getByRole('tab', { name: 'Usage' }));
    expect(await screen.findByText(/holds nothing this token did yet/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Addresses' })).toBeNull();
  });
});
