// The shortcuts App owns, through App with one connection: Ctrl+F focuses the
// search, Ctrl+N opens the create wizard, F5 refreshes the list instead of
// reloading the webview, arrows and Enter in the grid open a token, Escape goes
// back, and Ctrl+Shift+C copies the selected token's value (never the value of
// the token the connection signs in with).

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../src/App.svelte';
import type { TokenView } from '../src/lib/bindings';
import { connection, mockBackend, MODULES, resetAll, streams, token, type Answer } from './fixtures';

afterEach(resetAll);

const CONN = connection();
// Sorted by name: Billing sync, CI pipeline, Token Desk.
const TOKENS: TokenView[] = [
  token({ id: 'TKN-6000-0002', name: 'CI pipeline' }),
  token({ id: 'TKN-6000-0001', name: 'Billing sync' }),
  token({ id: CONN.tokenId, name: 'Token Desk' }),
];

async function renderApp(answers: Record<string, Answer> = {}) {
  const backend = mockBackend({
    list_connections: { connections: [CONN], activeId: CONN.id, notice: null },
    list_all_tokens: streams(TOKENS),
    get_token: ({ tokenId }: Record<string, any>) => TOKENS.find((t) => t.id === tokenId),
    assignable_modules: MODULES,
    copy_token_value: ({ tokenId }: Record<string, any>) => ({
      copied: `the value of “${TOKENS.find((t) => t.id === tokenId)?.name}”`,
      clearsAtMs: Date.now() + 20_000,
    }),
    ...answers,
  });
  render(App);
  const grid = await screen.findByRole('grid', { name: 'API tokens' });
  await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(TOKENS.length + 1));
  return { backend, grid };
}

/** What the window's status regions (the shortcut note, the clipboard bar) say. */
function statusText(): string {
  return screen
    .getAllByRole('status')
    .map((region) => region.textContent)
    .join(' ');
}

const press = (key: string, init: KeyboardEventInit = {}) => fireEvent.keyDown(window, { key, ...init });

function selectedRow(grid: HTMLElement) {
  return (
    within(grid)
      .getAllByRole('row')
      .find((row) => row.getAttribute('aria-selected') === 'true') ?? null
  );
}

describe('Keyboard shortcuts', () => {
  it('Ctrl+F focuses the search field', async () => {
    await renderApp();
    const search = screen.getByRole('searchbox', { name: /^Search tokens/ });
    expect(document.activeElement).not.toBe(search);

    await press('f', { ctrlKey: true });

    await waitFor(() => expect(document.activeElement).toBe(search));
  });

  it('Ctrl+N opens the New API token wizard', async () => {
    await renderApp();

    await press('n', { ctrlKey: true });

    expect(await screen.findByRole('heading', { level: 1, name: 'New API token' })).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();
  });

  it('F5 loads the tokens again and stops the webview reloading', async () => {
    const { backend } = await renderApp();
    expect(backend.callsTo('list_all_tokens')).toHaveLength(1);

    const f5 = new KeyboardEvent('keydown', { key: 'F5', bubbles: true, cancelable: true });
    await fireEvent(window, f5);

    expect(f5.defaultPrevented).toBe(true);
    await waitFor(() => expect(backend.callsTo('list_all_tokens')).toHaveLength(2));
    expect(backend.callsTo('list_all_tokens')[1]).toMatchObject({ connectionId: 'conn-1' });
  });

  it('ArrowDown selects a row, Enter opens its page, Escape comes back', async () => {
    const { backend, grid } = await renderApp();
    expect(selectedRow(grid)).toBeNull();

    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(selectedRow(grid)?.textContent).toContain('Billing sync');
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(selectedRow(grid)?.textContent).toContain('CI pipeline');

    await fireEvent.keyDown(grid, { key: 'Enter' });

    expect(await screen.findByRole('heading', { level: 1, name: 'CI pipeline' })).toBeTruthy();
    expect(backend.callsTo('get_token')).toEqual([{ connectionId: 'conn-1', tokenId: 'TKN-6000-0002' }]);

    await press('Escape');

    expect(await screen.findByRole('heading', { level: 1, name: 'API tokens' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'CI pipeline' })).toBeNull();
  });

  it("Ctrl+Shift+C copies the selected token's value", async () => {
    const { backend, grid } = await renderApp();
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });

    await press('C', { ctrlKey: true, shiftKey: true });

    await waitFor(() => expect(statusText()).toContain('The value of “Billing sync” is on the clipboard.'));
    expect(backend.callsTo('copy_token_value')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-6000-0001', format: 'value' },
    ]);
  });

  it("Ctrl+Shift+C does not copy the connection's own token, and says why", async () => {
    const { backend, grid } = await renderApp();
    await fireEvent.keyDown(grid, { key: 'End' });
    expect(selectedRow(grid)?.textContent).toContain('Token Desk');

    await press('C', { ctrlKey: true, shiftKey: true });

    await waitFor(() =>
      expect(statusText()).toContain('Token Desk signs in with this token: its value is not copied.'),
    );
    expect(backend.callsTo('copy_token_value')).toHaveLength(0);
    expect(statusText()).not.toContain('is on the clipboard');
  });
});
