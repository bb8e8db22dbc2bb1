// The Edit token dialog: it starts from the token as it is (and the modules
// arriving later do not reset what was typed), checks the name before sending
// anything, sends the changes with update_token and hands the answer to
// onSaved, puts a server's field error on its field (staying open), and keeps
// listing a module the token has but the account may no longer assign.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import EditTokenDialog from '../src/screens/token-form/EditTokenDialog.svelte';
import type { TokenView } from '../src/lib/bindings';
import { connection, deferred, deskError, mockBackend, MODULES, resetAll, token, type Answer } from './fixtures';

afterEach(resetAll);

const CI: TokenView = token({
  id: 'TKN-5000-0001',
  name: 'CI pipeline',
  description: 'Deploys from GitHub Actions',
  modules: [MODULES[0]],
});

function renderDialog(answers: Record<string, Answer> = {}, subject: TokenView = CI) {
  const backend = mockBackend({ assignable_modules: MODULES, ...answers });
  const onSaved = vi.fn();
  render(EditTokenDialog, { open: true, connectionId: connection().id, token: subject, onSaved });
  return { backend, onSaved };
}

const nameInput = () => screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement;
const descriptionInput = () => screen.getByRole('textbox', { name: /Description/ }) as HTMLTextAreaElement;
const moduleBox = (name: string) =>
  screen.findByRole('checkbox', { name: new RegExp(name) }) as Promise<HTMLInputElement>;

/** The error text an input points to with aria-describedby. */
function describedText(input: HTMLElement): string {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('Edit token dialog', () => {
  it('starts from the token: its name, description and modules', async () => {
    renderDialog();

    expect(await screen.findByRole('dialog', { name: 'Edit “CI pipeline”' })).toBeTruthy();
    expect(nameInput().value).toBe('CI pipeline');
    expect(descriptionInput().value).toBe('Deploys from GitHub Actions');
    expect((await moduleBox('Catalog')).checked).toBe(true);
    expect((await moduleBox('Billing')).checked).toBe(false);
  });

  it('refuses an empty name without sending anything', async () => {
    const { backend, onSaved } = renderDialog({ update_token: CI });
    await moduleBox('Catalog');

    await fireEvent.input(nameInput(), { target: { value: '   ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    expect(nameInput().getAttribute('aria-invalid')).toBe('true');
    expect(describedText(nameInput())).toContain('Enter a name for the token.');
    expect(backend.callsTo('update_token')).toHaveLength(0);
    expect(onSaved).not.toHaveBeenCalled();
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('sends the changes and hands the saved token to onSaved', async () => {
    const saved = { ...CI, name: 'Deploy bot', description: 'Ships releases', modules: MODULES };
    const { backend, onSaved } = renderDialog({ update_token: saved });
    const billing = await moduleBox('Billing');

    await fireEvent.input(nameInput(), { target: { value: '  Deploy bot ' } });
    await fireEvent.input(descriptionInput(), { target: { value: 'Ships releases' } });
    await fireEvent.click(billing);
    await fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(onSaved).toHaveBeenCalledWith(saved));
    expect(backend.callsTo('update_token')).toEqual([
      {
        connectionId: 'conn-1',
        tokenId: 'TKN-5000-0001',
        changes: { name: 'Deploy bot', description: 'Ships releases', moduleIds: ['MOD-0001', 'MOD-0002'] },
      },
    ]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('a name-only edit sends no modules, so the backend keeps the ones it reads', async () => {
    const { backend } = renderDialog({ update_token: CI });
    await moduleBox('Catalog');

    await fireEvent.input(nameInput(), { target: { value: 'Deploy bot' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(backend.callsTo('update_token')).toHaveLength(1));
    expect(backend.callsTo('update_token')[0]).toEqual({
      connectionId: 'conn-1',
      tokenId: 'TKN-5000-0001',
      changes: { name: 'Deploy bot', description: 'Deploys from GitHub Actions', moduleIds: undefined },
    });
  });

  it("reads a token's modules first when its copy came from the list without them", async () => {
    const read = deferred<TokenView>();
    const { backend } = renderDialog({ get_token: () => read.promise, update_token: CI }, { ...CI, modules: null });

    expect(await screen.findByText(/Loading the modules/)).toBeTruthy();
    expect(screen.queryByRole('checkbox', { name: /Catalog/ })).toBeNull();
    // Saved before the modules arrive: the modules are left to the backend, never sent empty.
    await fireEvent.input(nameInput(), { target: { value: 'Deploy bot' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));
    await waitFor(() => expect(backend.callsTo('update_token')).toHaveLength(1));
    expect(backend.callsTo('update_token')[0]).toMatchObject({ changes: { moduleIds: undefined } });
    expect(backend.callsTo('get_token')).toEqual([{ connectionId: 'conn-1', tokenId: 'TKN-5000-0001' }]);
    read.resolve(CI);
  });

  it('ticks the modules the fresh read brings', async () => {
    renderDialog({ get_token: CI }, { ...CI, modules: null });
    expect((await moduleBox('Catalog')).checked).toBe(true);
    expect((await moduleBox('Billing')).checked).toBe(false);
  });

  it('keeps what was typed while the modules were loading', async () => {
    const modules = deferred<typeof MODULES>();
    renderDialog({ assignable_modules: () => modules.promise });
    expect(await screen.findByText(/Loading the modules/)).toBeTruthy();

    await fireEvent.input(nameInput(), { target: { value: 'Deploy bot' } });
    await fireEvent.input(descriptionInput(), { target: { value: 'Ships releases' } });
    modules.resolve(MODULES);

    expect((await moduleBox('Catalog')).checked).toBe(true);
    expect(nameInput().value).toBe('Deploy bot');
    expect(descriptionInput().value).toBe('Ships releases');
  });

  it("puts the server's description error on the Description field and stays open", async () => {
    const { onSaved } = renderDialog({
      update_token: () => {
        throw deskError('validation', 'The changes were refused.', [
          { field: 'description', message: 'The description may not contain a URL.' },
        ]);
      },
    });

    await fireEvent.input(descriptionInput(), { target: { value: 'See https://example.com' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Save changes' }));

    await waitFor(() => expect(descriptionInput().getAttribute('aria-invalid')).toBe('true'));
    expect(describedText(descriptionInput())).toContain('The description may not contain a URL.');
    expect(nameInput().getAttribute('aria-invalid')).toBe('false');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('dialog', { name: 'Edit “CI pipeline”' })).toBeTruthy();
    expect(onSaved).not.toHaveBeenCalled();
  });

  it('still lists (ticked) a module the account may no longer assign', async () => {
    const legacy = { id: 'MOD-0099', name: 'Legacy export', code: 'legacy', description: null, harm: null };
    renderDialog({}, { ...CI, modules: [MODULES[0], legacy] });

    expect((await moduleBox('Legacy export')).checked).toBe(true);
    expect((await moduleBox('Catalog')).checked).toBe(true);
    expect((await moduleBox('Billing')).checked).toBe(false);
  });
});
