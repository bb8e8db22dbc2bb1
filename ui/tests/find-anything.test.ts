// Finding and acting beyond one row: several rows chosen and disabled with one
// question, the account's Audit screen and its filters, and the Ctrl+K palette
// across connections.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import TokenListScreen from '../src/screens/tokens/TokenListScreen.svelte';
import AuditScreen from '../src/screens/audit/AuditScreen.svelte';
import CommandPalette from '../src/features/palette/CommandPalette.svelte';
import { tokenList } from '../src/state/tokens.svelte';
import { connections } from '../src/state/connections.svelte';
import { auditEntry, connection, mockBackend, resetAll, streams, token } from './fixtures';

afterEach(resetAll);

function paste(target: HTMLElement, text: string) {
  const event = new Event('paste', { bubbles: true, cancelable: true }) as Event & { clipboardData: unknown };
  event.clipboardData = { getData: () => text };
  target.dispatchEvent(event);
  return event;
}

describe('several rows chosen', () => {
  it('are disabled after one question naming the count and the connection, and answered per token', async () => {
    const alpha = token({ id: 'TKN-2000-0001', name: 'Alpha' });
    const bravo = token({ id: 'TKN-2000-0002', name: 'Bravo' });
    const own = token({ id: 'TKN-0000-0001', name: 'Charlie (sign-in)' });
    const delta = token({ id: 'TKN-2000-0004', name: 'Delta' });
    const backend = mockBackend({
      list_all_tokens: streams([alpha, bravo, own, delta]),
      change_tokens: ({ tokenIds }: { tokenIds: string[] }) =>
        tokenIds.map((tokenId: string) =>
          tokenId === delta.id
            ? { tokenId, token: null, problem: 'The Marketplace refused it.', skipped: false }
            : { tokenId, token: { ...alpha, id: tokenId, status: 'Disabled' }, problem: null, skipped: false },
        ),
    });
    render(TokenListScreen, { connection: connection() });
    await tokenList.load('conn-1');
    const row = async (name: string) => (await screen.findByText(name)).closest('[role="row"]') as HTMLElement;

    await fireEvent.click(await row('Alpha'), { ctrlKey: true });
    await fireEvent.click(await row('Delta'), { shiftKey: true });
    expect(await screen.findByText('3 tokens chosen')).toBeTruthy();
    expect((await row('Charlie (sign-in)')).getAttribute('aria-selected')).toBe('false');

    await fireEvent.click(screen.getByRole('button', { name: 'Disable…' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByText('Disable 3 tokens in Acme test?')).toBeTruthy();
    expect(within(dialog).queryByText(/signs in with/)).toBeNull();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Disable 3 tokens' }));

    expect(backend.callsTo('change_tokens')).toEqual([
      { connectionId: 'conn-1', action: 'disable', tokenIds: [alpha.id, bravo.id, delta.id], includeSignIn: false },
    ]);
    expect(await screen.findByText('Disabled 2 of 3 tokens in Acme test.')).toBeTruthy();
    expect(screen.getByText(/The Marketplace refused it/)).toBeTruthy();
    expect(screen.queryByText(/chosen$/)).toBeNull();
  });

  it('take the sign-in token only when it is chosen on its own, and then say what that costs', async () => {
    const own = token({ id: 'TKN-0000-0001', name: 'Sign-in' });
    const backend = mockBackend({
      list_all_tokens: streams([own]),
      change_tokens: [{ tokenId: own.id, token: { ...own, status: 'Disabled' }, problem: null, skipped: false }],
    });
    render(TokenListScreen, { connection: connection() });
    await tokenList.load('conn-1');
    const grid = await screen.findByRole('grid');
    tokenList.selectedId = own.id;
    await fireEvent.keyDown(grid, { key: ' ' });
    await fireEvent.click(await screen.findByRole('button', { name: 'Disable…' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByText(/loses access to this connection/)).toBeTruthy();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Disable 1 token' }));
    expect(backend.callsTo('change_tokens')[0].includeSignIn).toBe(true);
  });
});

describe('the Audit screen', () => {
  it('lists the account newest first and filters by a token chosen by name', async () => {
    const robot = token({ id: 'TKN-3000-0001', name: 'Billing robot' });
    const backend = mockBackend({
      list_all_tokens: streams([robot]),
      event_types: [],
      account_audit: {
        items: [auditEntry({ actorName: 'Billing robot' })],
        paging: { total: 1, offset: 0, limit: 50 },
      },
    });
    await tokenList.load('conn-1');
    render(AuditScreen, { connection: connection(), onBack: () => {} });
    expect(await screen.findByText(/1 record\./)).toBeTruthy();
    expect(backend.callsTo('account_audit')[0].query).toMatchObject({ actorId: null, objectId: null, offset: 0 });

    const who = screen.getByRole('combobox', { name: 'Who acted' });
    await fireEvent.input(who, { target: { value: 'billing robot' } });
    await fireEvent.keyDown(who, { key: 'Enter' });
    await expect.poll(() => backend.callsTo('account_audit').slice(-1)[0]?.query.actorId).toBe('TKN-3000-0001');
    expect(await screen.findByText(/1 record match\./)).toBeTruthy();
  });
});

describe('the command palette', () => {
  it('finds a token in another connection, says how fresh it is, and opens it there', async () => {
    const other = {
      connectionId: 'conn-2',
      connectionLabel: 'Acme production',
      colour: '#cc3333',
      tokens: [{ id: 'TKN-5000-0001', name: 'Billing export', description: null, status: 'Active' }],
      fetchedAt: new Date(Date.now() - 3 * 60_000).toISOString(),
      problem: null,
    };
    mockBackend({ token_directory: [other], refresh_token_directory: [other] });
    connections.list = [connection(), connection({ id: 'conn-2', label: 'Acme production' })];
    connections.activeId = 'conn-1';
    const onOpenToken = vi.fn();
    render(CommandPalette, { open: true, actions: [], onOpenToken });
    const field = await screen.findByPlaceholderText(/Find a token in any connection/);
    await fireEvent.input(field, { target: { value: 'billing' } });
    expect(await screen.findByText('Tokens in Acme production')).toBeTruthy();
    expect(screen.getByText('as of 3 minutes ago')).toBeTruthy();
    await fireEvent.click(screen.getByText('Billing export'));
    expect(onOpenToken).toHaveBeenCalledWith('conn-2', 'TKN-5000-0001');
  });

  it('never lets a pasted value into its field: it is looked up in every connection', async () => {
    const backend = mockBackend({
      token_directory: [],
      refresh_token_directory: [],
      find_pasted_token: { tokenId: 'TKN-4000-0001', valuePasted: true, found: [], searched: ['Acme'], failed: [] },
    });
    render(CommandPalette, { open: true, actions: [], onOpenToken: () => {} });
    const field = (await screen.findByPlaceholderText(/Find a token in any connection/)) as HTMLInputElement;
    const event = paste(field, 'idt:TKN-4000-0001:AbCdEf0123456789');
    expect(event.defaultPrevented).toBe(true);
    expect(field.value).toBe('');
    await expect.poll(() => backend.callsTo('find_pasted_token').length).toBe(1);
  });
});
