// The header's connection switcher and the Manage connections dialog, through
// App: the active connection's label and environment (Production is loud),
// switching to another connection (remembered, and its tokens loaded), and
// renaming, recolouring and removing a connection (which asks first, since the
// secret leaves the OS keychain, and keeps a failure in the question). Also a
// notice list_connections sends about the saved connections.

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../src/App.svelte';
import type { Connection } from '../src/lib/bindings';
import { connection, deskError, mockBackend, resetAll, streams, token, type Answer } from './fixtures';

afterEach(resetAll);

const PROD: Connection = connection({
  id: 'conn-prod',
  label: 'Acme live',
  environment: { kind: 'production' },
  baseUrl: 'https://api.platform.softwareone.com',
});
const TEST: Connection = connection({ id: 'conn-test', label: 'Acme test' });

type Args = Record<string, any>;

/** App with PROD and TEST saved and TEST in use; the saved list follows rename, recolour and remove. */
function renderApp(answers: Record<string, Answer> = {}) {
  let saved = [PROD, TEST];
  let activeId: string | null = TEST.id;
  const replace = (changed: Connection) => {
    saved = saved.map((c) => (c.id === changed.id ? changed : c));
    return changed;
  };
  const backend = mockBackend({
    list_connections: () => ({ connections: saved, activeId, notice: null }),
    list_all_tokens: streams([token({ name: 'CI pipeline' })]),
    set_active_connection: ({ connectionId }: Args) => {
      activeId = connectionId;
      return null;
    },
    rename_connection: ({ connectionId, label }: Args) =>
      replace({ ...saved.find((c) => c.id === connectionId)!, label }),
    recolour_connection: ({ connectionId, colour }: Args) =>
      replace({ ...saved.find((c) => c.id === connectionId)!, colour }),
    remove_connection: ({ connectionId }: Args) => {
      saved = saved.filter((c) => c.id !== connectionId);
      if (activeId === connectionId) activeId = saved[0]?.id ?? null;
      return null;
    },
    ...answers,
  });
  render(App);
  return backend;
}

function switcher() {
  return screen.findByRole('button', { name: /^Connection:/ });
}

async function openMenu() {
  const trigger = await switcher();
  await fireEvent.click(trigger);
  return screen.findByRole('menu');
}

/** The Manage connections entry of a connection: its name field's list item. */
function entry(label: string): HTMLElement {
  return screen.getByRole('textbox', { name: `Name of ${label}` }).closest('li')!;
}

async function manage() {
  await fireEvent.click(within(await openMenu()).getByRole('menuitem', { name: /Manage connections/ }));
  return screen.findByRole('dialog', { name: 'Manage connections' });
}

describe('Connection switcher', () => {
  it("shows the active connection's label, and PRODUCTION only for Production", async () => {
    renderApp();

    const trigger = await switcher();
    expect(trigger.textContent).toContain('Acme test');
    expect(within(trigger).getByText('Test')).toBeTruthy();
    expect(within(trigger).queryByText('PRODUCTION')).toBeNull();

    const menu = await openMenu();
    expect(within(within(menu).getByRole('menuitem', { name: /Acme live/ })).getByText('PRODUCTION')).toBeTruthy();
    expect(within(within(menu).getByRole('menuitem', { name: /Acme test/ })).queryByText('PRODUCTION')).toBeNull();
  });

  it('switches to the chosen connection and loads its tokens', async () => {
    const backend = renderApp();
    await waitFor(() => expect(backend.callsTo('list_all_tokens')).toHaveLength(1));
    expect(backend.callsTo('list_all_tokens')[0]).toMatchObject({ connectionId: 'conn-test' });

    await fireEvent.click(within(await openMenu()).getByRole('menuitem', { name: /Acme live/ }));

    await waitFor(() => expect(backend.callsTo('set_active_connection')).toEqual([{ connectionId: 'conn-prod' }]));
    await waitFor(() => expect(backend.callsTo('list_all_tokens')).toHaveLength(2));
    expect(backend.callsTo('list_all_tokens')[1]).toMatchObject({ connectionId: 'conn-prod' });
    const trigger = await switcher();
    expect(trigger.textContent).toContain('Acme live');
    expect(within(trigger).getByText('PRODUCTION')).toBeTruthy();
  });

  it('shows the notice list_connections sends about the saved connections', async () => {
    renderApp({
      list_connections: {
        connections: [TEST],
        activeId: TEST.id,
        notice: deskError('storage', 'One saved connection could not be read and was left out.'),
      },
    });

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Your saved connections need attention')).toBeTruthy();
    expect(within(alert).getByText('One saved connection could not be read and was left out.')).toBeTruthy();
  });
});

describe('Manage connections', () => {
  it('renames a connection when Enter submits the new name', async () => {
    const backend = renderApp();
    await manage();

    const name = screen.getByRole('textbox', { name: 'Name of Acme test' });
    await fireEvent.input(name, { target: { value: 'Acme staging' } });
    // Enter in a form's only field submits it; jsdom does no implicit submission, so submit it here.
    await fireEvent.submit(name.closest('form')!);

    await waitFor(() =>
      expect(backend.callsTo('rename_connection')).toEqual([{ connectionId: 'conn-test', label: 'Acme staging' }]),
    );
    await waitFor(async () => expect((await switcher()).textContent).toContain('Acme staging'));
  });

  it('recolours a connection with a swatch', async () => {
    const backend = renderApp();
    await manage();

    const swatch = within(entry('Acme test')).getByRole('radio', { name: 'Colour #0f9d76' });
    expect(swatch.getAttribute('aria-checked')).toBe('false');
    await fireEvent.click(swatch);

    await waitFor(() =>
      expect(backend.callsTo('recolour_connection')).toEqual([{ connectionId: 'conn-test', colour: '#0f9d76' }]),
    );
    await waitFor(() => expect(swatch.getAttribute('aria-checked')).toBe('true'));
  });

  it('asks before removing, and removes only on Remove connection', async () => {
    const backend = renderApp();
    await manage();

    await fireEvent.click(within(entry('Acme test')).getByRole('button', { name: 'Remove' }));
    let question = await screen.findByRole('alertdialog', { name: 'Remove “Acme test”?' });
    expect(question.textContent).toContain('secret will be deleted from your OS keychain');
    await fireEvent.click(within(question).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(backend.callsTo('remove_connection')).toHaveLength(0);

    await fireEvent.click(within(entry('Acme test')).getByRole('button', { name: 'Remove' }));
    question = await screen.findByRole('alertdialog', { name: 'Remove “Acme test”?' });
    await fireEvent.click(within(question).getByRole('button', { name: 'Remove connection' }));

    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(backend.callsTo('remove_connection')).toEqual([{ connectionId: 'conn-test', evenWithoutKeychain: false }]);
    // It was the one in use: the app moves on to the other.
    await waitFor(async () => expect((await switcher()).textContent).toContain('Acme live'));
    expect(screen.queryByRole('textbox', { name: 'Name of Acme test' })).toBeNull();
  });

  it('shows a failed removal in the question, which stays open', async () => {
    renderApp({
      remove_connection: () => {
        throw deskError('keychain', 'The OS keychain is locked.');
      },
    });
    await manage();

    await fireEvent.click(within(entry('Acme test')).getByRole('button', { name: 'Remove' }));
    const question = await screen.findByRole('alertdialog', { name: 'Remove “Acme test”?' });
    await fireEvent.click(within(question).getByRole('button', { name: 'Remove connection' }));

    const alert = await within(question).findByRole('alert');
    expect(within(alert).getByText('The OS keychain is locked.')).toBeTruthy();
    expect(within(alert).getByText(/Unlock or start your keychain/)).toBeTruthy();
    expect(screen.getByRole('alertdialog', { name: 'Remove “Acme test”?' })).toBe(question);
    expect(entry('Acme test')).toBeTruthy();
  });

  it('after the keychain refused, offers to remove the connection anyway, and says what that leaves', async () => {
    let calls = 0;
    const backend = renderApp({
      remove_connection: () => {
        calls += 1;
        if (calls === 1) throw deskError('keychain', 'No OS keychain is available.');
        return null;
      },
    });
    await manage();
    await fireEvent.click(within(entry('Acme test')).getByRole('button', { name: 'Remove' }));
    const question = await screen.findByRole('alertdialog', { name: 'Remove “Acme test”?' });
    await fireEvent.click(within(question).getByRole('button', { name: 'Remove connection' }));

    const anyway = await within(question).findByRole('button', { name: 'Remove anyway' });
    expect(question.textContent).toContain('the secret may stay in it');
    await fireEvent.click(anyway);

    await waitFor(() =>
      expect(backend.callsTo('remove_connection')).toEqual([
        { connectionId: 'conn-test', evenWithoutKeychain: false },
        { connectionId: 'conn-test', evenWithoutKeychain: true },
      ]),
    );
  });
});
