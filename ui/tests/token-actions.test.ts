// The token page's actions: Disable and Delete ask first (an alertdialog) and
// Cancel does nothing; the connection's own token warns that Token Desk signs
// in with it; Delete in Production needs the token's exact name; Enable acts
// at once; a failed action shows in the dialog, which stays open.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import TokenPage from '../src/screens/token/TokenPage.svelte';
import type { Connection, TokenView } from '../src/lib/bindings';
import { connection, deskError, mockBackend, resetAll, token, type Answer } from './fixtures';

afterEach(resetAll);

const CI: TokenView = token({ id: 'TKN-4000-0001', name: 'CI pipeline' });

function renderPage(answers: Record<string, Answer> = {}, conn: Connection = connection(), subject: TokenView = CI) {
  const backend = mockBackend({ get_token: subject, ...answers });
  const onBack = vi.fn();
  render(TokenPage, { connection: conn, tokenId: subject.id, onBack });
  return { backend, onBack };
}

async function open(buttonName: string, dialogName: string) {
  await fireEvent.click(await screen.findByRole('button', { name: buttonName }));
  return screen.findByRole('alertdialog', { name: dialogName });
}

describe('Disable', () => {
  it('asks first, and disables only once confirmed', async () => {
    const { backend } = renderPage({ disable_token: { ...CI, status: 'Disabled' } });

    const dialog = await open('Disable', 'Disable “CI pipeline” in Acme test?');
    expect(within(dialog).getByText(/Every system that uses it is refused/)).toBeTruthy();
    expect(within(dialog).queryByText(/Token Desk signs in/)).toBeNull();
    expect(backend.callsTo('disable_token')).toHaveLength(0);

    await fireEvent.click(within(dialog).getByRole('button', { name: 'Disable token' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(backend.callsTo('disable_token')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-4000-0001', signInConfirmed: false },
    ]);
    // The page follows the new state: the same button now enables.
    expect(screen.getByRole('button', { name: 'Enable' })).toBeTruthy();
  });

  it('Cancel closes the question and calls nothing', async () => {
    const { backend } = renderPage({ disable_token: { ...CI, status: 'Disabled' } });

    const dialog = await open('Disable', 'Disable “CI pipeline” in Acme test?');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(backend.callsTo('disable_token')).toHaveLength(0);
    expect(screen.getByRole('button', { name: 'Disable' })).toBeTruthy();
  });

  it("warns that Token Desk loses access when it is the connection's own token", async () => {
    const { backend } = renderPage(
      { disable_token: { ...CI, status: 'Disabled' } },
      connection({ label: 'Acme test', tokenId: CI.id }),
    );

    const dialog = await open('Disable', 'Disable “CI pipeline” in Acme test?');

    expect(within(dialog).getByText('Token Desk signs in to “Acme test” with this token.')).toBeTruthy();
    expect(dialog.textContent).toContain('this connection stops working');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Disable token' }));
    // Only after that warning does the UI tell the backend the user confirmed.
    await waitFor(() =>
      expect(backend.callsTo('disable_token')).toEqual([
        { connectionId: 'conn-1', tokenId: CI.id, signInConfirmed: true },
      ]),
    );
  });

  it('shows a failure inside the dialog and keeps it open', async () => {
    renderPage({
      disable_token: () => {
        throw deskError('forbidden', 'This account may not disable tokens.', [], 'trace-9');
      },
    });

    const dialog = await open('Disable', 'Disable “CI pipeline” in Acme test?');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Disable token' }));

    const alert = await within(dialog).findByRole('alert');
    expect(within(alert).getByText('This account may not disable tokens.')).toBeTruthy();
    expect(within(alert).getByText('Ask an administrator of the account for the modules this needs.')).toBeTruthy();
    expect(screen.getByRole('alertdialog', { name: 'Disable “CI pipeline” in Acme test?' })).toBe(dialog);
    expect((within(dialog).getByRole('button', { name: 'Disable token' }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe('Enable', () => {
  it('enables a disabled token without asking', async () => {
    const disabled = { ...CI, status: 'Disabled' };
    const { backend } = renderPage({ enable_token: { ...CI, status: 'Active' } }, connection(), disabled);

    await fireEvent.click(await screen.findByRole('button', { name: 'Enable' }));

    expect(await screen.findByRole('button', { name: 'Disable' })).toBeTruthy();
    expect(backend.callsTo('enable_token')).toEqual([{ connectionId: 'conn-1', tokenId: 'TKN-4000-0001' }]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });
});

describe('Delete', () => {
  it('in Production, stays disabled until the exact name is typed', async () => {
    const { backend, onBack } = renderPage({ delete_token: null }, connection({ environment: { kind: 'production' } }));

    const dialog = await open('Delete', 'Delete “CI pipeline” in Acme test?');
    const confirm = within(dialog).getByRole('button', { name: 'Delete token' }) as HTMLButtonElement;
    const typed = within(dialog).getByRole('textbox', { name: /Type CI pipeline to confirm/ });
    expect(dialog.textContent).toContain('It is a Production token.');
    expect(confirm.disabled).toBe(true);

    await fireEvent.input(typed, { target: { value: 'CI pipelin' } });
    expect(confirm.disabled).toBe(true);
    await fireEvent.input(typed, { target: { value: 'ci pipeline' } });
    expect(confirm.disabled).toBe(true);
    await fireEvent.submit(confirm.form!);
    expect(backend.callsTo('delete_token')).toHaveLength(0);

    await fireEvent.input(typed, { target: { value: 'CI pipeline' } });
    expect(confirm.disabled).toBe(false);
    await fireEvent.click(confirm);

    await waitFor(() => expect(onBack).toHaveBeenCalledOnce());
    expect(backend.callsTo('delete_token')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-4000-0001', signInConfirmed: false },
    ]);
  });

  it('outside Production, asks without a name to type', async () => {
    const { backend } = renderPage({ delete_token: null });

    const dialog = await open('Delete', 'Delete “CI pipeline” in Acme test?');

    expect(within(dialog).queryByRole('textbox')).toBeNull();
    expect((within(dialog).getByRole('button', { name: 'Delete token' }) as HTMLButtonElement).disabled).toBe(false);
    expect(backend.callsTo('delete_token')).toHaveLength(0);
  });

  it('shows the id and the last use, and offers to disable instead', async () => {
    const { backend, onBack } = renderPage({ disable_token: { ...CI, status: 'Disabled' } });

    const dialog = await open('Delete', 'Delete “CI pipeline” in Acme test?');
    expect(dialog.textContent).toContain(CI.id);
    expect(dialog.textContent).toMatch(/last used/);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Disable instead' }));

    expect(await screen.findByRole('button', { name: 'Enable' })).toBeTruthy();
    expect(backend.callsTo('disable_token')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-4000-0001', signInConfirmed: false },
    ]);
    expect(backend.callsTo('delete_token')).toHaveLength(0);
    expect(onBack).not.toHaveBeenCalled();
  });
});
