// The token list screen: loading, rows streamed in from list_all_tokens
// batches, the empty and error states, local search and status filtering,
// column sorting, the Operations-only Account column, and a failed refresh
// that keeps the rows already shown.

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { Channel } from '@tauri-apps/api/core';
import TokenListScreen from '../src/screens/tokens/TokenListScreen.svelte';
import type { Connection, TokenBatch, TokenView } from '../src/lib/bindings';
import { tokenList } from '../src/state/tokens.svelte';
import { router } from '../src/state/router.svelte';
import {
  batchesOf,
  connection,
  deferred,
  deskError,
  mockBackend,
  resetAll,
  sendBatches,
  tokenRows,
  streams,
  token,
  type Answer,
} from './fixtures';

afterEach(resetAll);

const TOKENS: TokenView[] = [
  token({
    id: 'TKN-2000-0003',
    name: 'Reporting',
    description: 'Nightly BI export',
    created: { at: '2026-03-01T00:00:00Z', byId: null, byName: null },
  }),
  token({
    id: 'TKN-2000-0001',
    name: 'Billing sync',
    status: 'Disabled',
    created: { at: '2026-01-01T00:00:00Z', byId: null, byName: null },
  }),
  token({
    id: 'TKN-2000-0002',
    name: 'CI pipeline',
    description: 'GitHub Actions deploys',
    created: { at: '2026-02-01T00:00:00Z', byId: null, byName: null },
  }),
];

function renderList(listAll: Answer, conn: Connection = connection()) {
  const backend = mockBackend({ list_all_tokens: listAll });
  render(TokenListScreen, { connection: conn });
  void tokenList.load(conn.id);
  return backend;
}

/** The names in the grid's body rows, top to bottom. */
function rowNames(): string[] {
  const grid = screen.getByRole('grid', { name: 'API tokens' });
  return within(grid)
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('gridcell')[0].querySelector('.name-text')?.textContent ?? '');
}

async function loaded(count: number) {
  await waitFor(() => expect(rowNames()).toHaveLength(count));
}

describe('Token list', () => {
  it('shows that it is loading until the first batch arrives', async () => {
    const pending = deferred<number>();
    let channel: Channel<TokenBatch> | null = null;
    renderList((args: Record<string, any>) => {
      channel = args.onBatch;
      return pending.promise;
    });

    expect(await screen.findByText('Loading the tokens of Acme Ltd…')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Loading tokens' })).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();

    sendBatches(channel!, batchesOf(TOKENS.slice(0, 2)).slice(0, 1));
    await loaded(2);
    expect(screen.queryByText('Loading the tokens of Acme Ltd…')).toBeNull();
    pending.resolve(2);
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
  });

  it('renders the rows of every batch, sorted by name', async () => {
    const backend = renderList(streams(TOKENS));

    await loaded(3);
    expect(rowNames()).toEqual(['Billing sync', 'CI pipeline', 'Reporting']);
    expect(screen.getByText('3 tokens')).toBeTruthy();
    expect(backend.callsTo('list_all_tokens')).toEqual([
      expect.objectContaining({ connectionId: 'conn-1', query: {} }),
    ]);
  });

  it('shows an empty state with a way to create the first token', async () => {
    renderList(streams([]));

    expect(await screen.findByRole('heading', { name: 'No API tokens yet' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Create a token' }));
    expect(router.screen.name).toBe('create');
  });

  it('shows a load failure with Try again, which asks again', async () => {
    let attempts = 0;
    const backend = renderList((args: Record<string, any>) => {
      attempts += 1;
      if (attempts === 1) throw deskError('server', 'The Marketplace failed.', [], 'trace-42');
      return streams(TOKENS)(args);
    });

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The tokens could not be loaded')).toBeTruthy();
    expect(within(alert).getByText('The Marketplace failed.')).toBeTruthy();
    expect(within(alert).getByText('trace-42')).toBeTruthy();

    await fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }));
    await loaded(3);
    expect(backend.callsTo('list_all_tokens')).toHaveLength(2);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('searches name, id and description locally', async () => {
    const backend = renderList(streams(TOKENS));
    await loaded(3);
    const search = screen.getByRole('searchbox', { name: /Search tokens/ });

    await fireEvent.input(search, { target: { value: 'billing' } });
    expect(rowNames()).toEqual(['Billing sync']);

    await fireEvent.input(search, { target: { value: '2000-0003' } });
    expect(rowNames()).toEqual(['Reporting']);

    await fireEvent.input(search, { target: { value: 'github' } });
    expect(rowNames()).toEqual(['CI pipeline']);
    expect(screen.getByText('1 of 3 tokens')).toBeTruthy();

    await fireEvent.input(search, { target: { value: 'nothing like it' } });
    expect(screen.getByRole('heading', { name: 'No tokens match' })).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(rowNames()).toHaveLength(3);

    expect(backend.callsTo('list_all_tokens')).toHaveLength(1);
  });

  it('filters by status', async () => {
    renderList(streams(TOKENS));
    await loaded(3);
    const statuses = screen.getByRole('radiogroup', { name: 'Show tokens by status' });
    const disabled = within(statuses).getByRole('radio', { name: /Disabled/ });
    expect(disabled.textContent).toContain('1');

    await fireEvent.click(disabled);
    expect(disabled.getAttribute('aria-checked')).toBe('true');
    expect(rowNames()).toEqual(['Billing sync']);

    await fireEvent.click(within(statuses).getByRole('radio', { name: /Active/ }));
    expect(rowNames()).toEqual(['CI pipeline', 'Reporting']);
    expect(disabled.getAttribute('aria-checked')).toBe('false');
  });

  it('sorts by a column header and says so with aria-sort', async () => {
    renderList(streams(TOKENS));
    await loaded(3);
    const header = (label: string) => screen.getByRole('columnheader', { name: new RegExp(`^${label}`) });

    expect(header('Name').getAttribute('aria-sort')).toBe('ascending');
    await fireEvent.click(within(header('Name')).getByRole('button'));
    expect(header('Name').getAttribute('aria-sort')).toBe('descending');
    expect(rowNames()).toEqual(['Reporting', 'CI pipeline', 'Billing sync']);

    await fireEvent.click(within(header('Created')).getByRole('button'));
    expect(header('Created').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Name').hasAttribute('aria-sort')).toBe(false);
    expect(rowNames()).toEqual(['Billing sync', 'CI pipeline', 'Reporting']);
  });

  it('shows an Account column (and Deleted tokens) for an Operations connection', async () => {
    const ops = connection({ account: { id: 'ACC-0000-0000', name: 'SoftwareOne Ops', accountType: 'Operations' } });
    renderList(
      streams([
        token({ name: 'Vendor feed', account: { id: 'ACC-3', name: 'Contoso', accountType: 'Vendor' } }),
        token({
          name: 'Old feed',
          status: 'Deleted',
          account: { id: 'ACC-4', name: 'Fabrikam', accountType: 'Client' },
        }),
      ]),
      ops,
    );
    await loaded(2);

    expect(screen.getByRole('columnheader', { name: 'Account' })).toBeTruthy();
    expect(screen.getByRole('gridcell', { name: 'Contoso' })).toBeTruthy();
    expect(screen.getByRole('gridcell', { name: 'Fabrikam' })).toBeTruthy();
    expect(screen.getByRole('radio', { name: /Deleted/ })).toBeTruthy();
  });

  it('has no Account column for other accounts', async () => {
    renderList(streams(TOKENS));
    await loaded(3);

    expect(screen.queryByRole('columnheader', { name: 'Account' })).toBeNull();
    expect(screen.queryByRole('radio', { name: /Deleted/ })).toBeNull();
  });

  it('waits for batches that arrive after the command answered (large channel messages do)', async () => {
    let attempts = 0;
    renderList((args: Record<string, any>) => {
      attempts += 1;
      if (attempts === 1) return streams(TOKENS)(args);
      // The refresh answers first; its batches trail behind, as Tauri fetches big ones.
      setTimeout(
        () => sendBatches(args.onBatch, batchesOf([...TOKENS, token({ id: 'TKN-2000-0004', name: 'Zeta' })])),
        30,
      );
      return TOKENS.length + 1;
    });
    await loaded(3);

    await fireEvent.click(screen.getByRole('button', { name: /Refresh/ }));

    await loaded(4);
    expect(rowNames()).toEqual(['Billing sync', 'CI pipeline', 'Reporting', 'Zeta']);
    await waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
    expect(screen.getByText('4 tokens')).toBeTruthy();
  });

  it('keeps the rows it showed when a refresh fails half-way', async () => {
    let attempts = 0;
    renderList((args: Record<string, any>) => {
      attempts += 1;
      if (attempts === 1) return streams(TOKENS)(args);
      // The refresh streams one new page, then fails.
      sendBatches(args.onBatch, [{ rows: tokenRows([token({ name: 'Half-loaded' })]), fetched: 1, total: 10 }]);
      throw deskError('network', 'The Marketplace did not answer.');
    });
    await loaded(3);

    await fireEvent.click(screen.getByRole('button', { name: /Refresh/ }));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('The list could not be refreshed; it shows what was loaded before')).toBeTruthy();
    expect(within(alert).getByText('Check your network or VPN, then try again.')).toBeTruthy();
    expect(rowNames()).toEqual(['Billing sync', 'CI pipeline', 'Reporting']);
  });
});
