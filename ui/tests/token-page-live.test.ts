// The token page keeping up with the token list: get_token's answer is not
// replaced by the list's older copy, a newer version of the token arriving in
// the list shows without asking the backend again, the token leaving the list
// (or get_token answering notFound) says it no longer exists, and any other
// get_token failure offers Try again.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { tick } from 'svelte';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import TokenPage from '../src/screens/token/TokenPage.svelte';
import type { TokenView } from '../src/lib/bindings';
import { tokenList } from '../src/state/tokens.svelte';
import { connection, deskError, mockBackend, MODULES, resetAll, streams, token, type Answer } from './fixtures';

afterEach(resetAll);

const CONN = connection();
const CI: TokenView = token({ id: 'TKN-7000-0001', name: 'CI pipeline' });
const OTHER: TokenView = token({ id: 'TKN-7000-0002', name: 'Billing sync' });

/** Loads the list (holding `listed`), then opens `subject`'s page. */
async function renderPage(answers: Record<string, Answer> = {}, listed: TokenView[] = [CI, OTHER], subject = CI) {
  const backend = mockBackend({
    list_all_tokens: streams(listed),
    get_token: subject,
    assignable_modules: MODULES,
    ...answers,
  });
  await tokenList.load(CONN.id);
  expect(tokenList.phase).toBe('ready');
  render(TokenPage, { connection: CONN, tokenId: subject.id, onBack: vi.fn() });
  return backend;
}

const gone = () => screen.findByRole('heading', { level: 1, name: 'This token no longer exists' });

describe('Token page, kept current', () => {
  it("shows get_token's answer rather than the list's older copy, even when the list changes", async () => {
    await renderPage({ get_token: { ...CI, description: 'Deploys from GitHub Actions' } });

    expect(await screen.findByText('Deploys from GitHub Actions')).toBeTruthy();
    tokenList.upsert({ ...OTHER, status: 'Disabled' });
    await tick();
    expect(screen.getByText('Deploys from GitHub Actions')).toBeTruthy();
  });

  it('shows a newer version from the list without calling get_token again', async () => {
    const fetched = { ...CI, description: 'Deploys from GitHub Actions' };
    const backend = await renderPage({ get_token: fetched });
    // get_token has answered (its description shows), so nothing later overwrites the list's version.
    expect(await screen.findByText('Deploys from GitHub Actions')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Disable' })).toBeTruthy();

    tokenList.upsert({ ...fetched, name: 'CI pipeline (renamed)', status: 'Disabled' });

    expect(await screen.findByRole('heading', { level: 1, name: 'CI pipeline (renamed)' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Enable' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Disable' })).toBeNull();
    expect(backend.callsTo('get_token')).toHaveLength(1);
  });

  it('says the token no longer exists once it leaves the list', async () => {
    await renderPage();
    expect(await screen.findByRole('heading', { level: 1, name: 'CI pipeline' })).toBeTruthy();
    expect(screen.queryByText('This token no longer exists')).toBeNull();

    tokenList.removeLocally(CI.id);

    expect(await gone()).toBeTruthy();
    expect(screen.getByText(/was deleted, or this account can no longer see it/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Back to the list' })).toBeTruthy();
  });

  it('says the token no longer exists when get_token answers notFound', async () => {
    await renderPage({
      get_token: () => {
        throw deskError('notFound', 'No token TKN-7000-0001.');
      },
    });

    expect(await gone()).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'CI pipeline' })).toBeNull();
  });

  it('offers Try again when get_token fails otherwise, which asks again', async () => {
    let attempts = 0;
    const backend = await renderPage(
      {
        get_token: () => {
          attempts += 1;
          if (attempts === 1) throw deskError('network', 'The Marketplace did not answer.');
          return CI;
        },
      },
      [OTHER],
    );

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The token could not be loaded')).toBeTruthy();
    expect(within(alert).getByText('The Marketplace did not answer.')).toBeTruthy();

    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'CI pipeline' })).toBeTruthy();
    expect(backend.callsTo('get_token')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-7000-0001' },
      { connectionId: 'conn-1', tokenId: 'TKN-7000-0001' },
    ]);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
