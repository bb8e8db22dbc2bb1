// Clipboard hygiene: the Copy button and its "Copy as" menu (every format goes
// to Rust, which does the copying), the clipboard bar (what is on the
// clipboard, the countdown to its clearing, "Clear now", the backend's
// clipboard events, a failed copy), and the Settings screen that sets the delay
// and whether clipboard history may keep copied values, opened from App's
// header or with Ctrl+,.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { emit } from '@tauri-apps/api/event';
import App from '../src/App.svelte';
import CopyButton from '../src/features/clipboard/CopyButton.svelte';
import ClipboardBar from '../src/features/clipboard/ClipboardBar.svelte';
import SettingsScreen from '../src/screens/settings/SettingsScreen.svelte';
import type { ClipboardStatus, CopyFormat, Settings } from '../src/lib/bindings';
import { connection, deskError, mockBackend, resetAll, streams, token, type Answer } from './fixtures';

afterEach(async () => {
  vi.useRealTimers();
  await resetAll();
});

type Args = Record<string, any>;

const TOKEN_ID = 'TKN-7000-0001';

const WHAT: Record<CopyFormat, string> = {
  value: 'the value of “CI pipeline”',
  authorizationHeader: 'the Authorization header for “CI pipeline”',
  shellExport: 'the export line for “CI pipeline”',
  curl: 'the curl command for “CI pipeline”',
  tokenId: `the ID ${TOKEN_ID}`,
  apiBaseUrl: 'the API address',
};

/** A copy_token_value answer: what was copied, cleared 20 s from now unless it is the (not secret) id. */
function receipt({ format }: Args) {
  const fmt = format as CopyFormat;
  const plain = fmt === 'tokenId' || fmt === 'apiBaseUrl';
  return { copied: WHAT[fmt], clearsAtMs: plain ? null : Date.now() + 20_000 };
}

/** A Copy button for CI pipeline with the clipboard bar App shows beside it. */
function renderCopy(answers: Record<string, Answer> = {}, tokenId: string | null = TOKEN_ID) {
  const backend = mockBackend({ copy_token_value: receipt, clear_clipboard: true, ...answers });
  render(CopyButton, { connectionId: 'conn-1', tokenId });
  render(ClipboardBar);
  return backend;
}

/** The clipboard bar's live region: the one status region beside a lone Copy button. */
function bar(): HTMLElement {
  return screen.getByRole('status');
}

/** What App's status regions (the shortcut note, the clipboard bar) say. */
function statusText(): string {
  return screen
    .getAllByRole('status')
    .map((region) => region.textContent)
    .join(' ');
}

async function chooseCopyAs(label: string) {
  await fireEvent.click(screen.getByRole('button', { name: 'Copy as' }));
  const menu = await screen.findByRole('menu');
  await fireEvent.click(within(menu).getByRole('menuitem', { name: label }));
}

describe('Copy button', () => {
  it('copies the value through the backend', async () => {
    const backend = renderCopy();

    await fireEvent.click(screen.getByRole('button', { name: 'Copy' }));

    await waitFor(() =>
      expect(backend.callsTo('copy_token_value')).toEqual([
        { connectionId: 'conn-1', tokenId: TOKEN_ID, format: 'value' },
      ]),
    );
  });

  it('"Copy as" offers every format and copies the one chosen', async () => {
    const backend = renderCopy();

    await fireEvent.click(screen.getByRole('button', { name: 'Copy as' }));
    const menu = await screen.findByRole('menu');
    expect(
      within(menu)
        .getAllByRole('menuitem')
        .map((item) => item.textContent?.trim()),
    ).toEqual(['Value', 'Authorization: Bearer …', 'export MPT_API_TOKEN=…', 'curl command', 'Token ID (not secret)']);
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'curl command' }));
    await waitFor(() => expect(within(bar()).getByText('The curl command for “CI pipeline”')).toBeTruthy());

    await chooseCopyAs('Token ID (not secret)');

    await waitFor(() => expect(backend.callsTo('copy_token_value')).toHaveLength(2));
    expect(backend.callsTo('copy_token_value').map((args) => args.format)).toEqual(['curl', 'tokenId']);
    expect(backend.callsTo('copy_token_value')[1]).toEqual({
      connectionId: 'conn-1',
      tokenId: TOKEN_ID,
      format: 'tokenId',
    });
  });

  it('a copied id gets a note, with no countdown and nothing to clear', async () => {
    renderCopy();

    await chooseCopyAs('Token ID (not secret)');

    await waitFor(() => expect(bar().textContent).toContain(`Copied the ID ${TOKEN_ID}.`));
    expect(bar().textContent).not.toContain('is on the clipboard');
    expect(within(bar()).queryByText(/Clears in/)).toBeNull();
    expect(within(bar()).queryByRole('button', { name: 'Clear now' })).toBeNull();
  });

  it('is disabled, and copies nothing, without a token', async () => {
    const backend = renderCopy({}, null);

    const copy = screen.getByRole('button', { name: 'Copy' }) as HTMLButtonElement;
    const copyAs = screen.getByRole('button', { name: 'Copy as' }) as HTMLButtonElement;
    expect(copy.disabled).toBe(true);
    expect(copyAs.disabled).toBe(true);

    await fireEvent.click(copy);
    await fireEvent.click(copyAs);

    expect(screen.queryByRole('menu')).toBeNull();
    expect(backend.callsTo('copy_token_value')).toHaveLength(0);
  });
});

describe('Clipboard bar', () => {
  it('says what is on the clipboard and counts down to its clearing', async () => {
    // The countdown reads Date.now() on a 250 ms interval: fake both, keep setTimeout real for waitFor.
    vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'], now: new Date('2026-03-01T12:00:00Z') });
    renderCopy();
    expect(bar().textContent).toBe('');

    await fireEvent.click(screen.getByRole('button', { name: 'Copy' }));

    expect(await within(bar()).findByText('The value of “CI pipeline”')).toBeTruthy();
    expect(bar().textContent).toContain('is on the clipboard.');
    expect(screen.getByText('Clears in 20 s')).toBeTruthy();

    vi.advanceTimersByTime(5_000);
    flushSync();
    expect(screen.getByText('Clears in 15 s')).toBeTruthy();

    vi.advanceTimersByTime(14_000);
    flushSync();
    expect(screen.getByText('Clears in 1 s')).toBeTruthy();
  });

  it('"Clear now" clears the clipboard and the bar goes', async () => {
    const backend = renderCopy();
    await fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await within(bar()).findByText('The value of “CI pipeline”');

    await fireEvent.click(within(bar()).getByRole('button', { name: 'Clear now' }));

    await waitFor(() => expect(bar().textContent).toContain('Clipboard cleared.'));
    expect(backend.callsTo('clear_clipboard')).toHaveLength(1);
    expect(bar().textContent).not.toContain('is on the clipboard');
    expect(screen.queryByText(/Clears in/)).toBeNull();
  });

  it('"Clear now" says so when the value had already gone', async () => {
    renderCopy({ clear_clipboard: false });
    await fireEvent.click(screen.getByRole('button', { name: 'Copy' }));
    await within(bar()).findByText('The value of “CI pipeline”');

    await fireEvent.click(within(bar()).getByRole('button', { name: 'Clear now' }));

    await waitFor(() => expect(bar().textContent).toContain('The clipboard no longer held the copied value.'));
    expect(bar().textContent).not.toContain('is on the clipboard');
  });

  it('a failed copy shows why, and nothing is said to be on the clipboard', async () => {
    renderCopy({
      copy_token_value: () => {
        throw deskError('keychain', 'The OS keychain is locked, so the value could not be read.');
      },
    });

    await fireEvent.click(screen.getByRole('button', { name: 'Copy' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The clipboard could not be used');
    expect(alert.textContent).toContain('The OS keychain is locked, so the value could not be read.');
    expect(bar().textContent).not.toContain('is on the clipboard');

    await fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

const CONN = connection();
const SETTINGS: Settings = { clipboardClearAfterSecs: 20, clipboardHistory: false };

/** App with one connection and one token; waits for the token list. */
async function renderApp(answers: Record<string, Answer> = {}) {
  const backend = mockBackend({
    list_connections: { connections: [CONN], activeId: CONN.id, notice: null },
    list_all_tokens: streams([token({ id: TOKEN_ID, name: 'CI pipeline' })]),
    get_settings: SETTINGS,
    clear_clipboard: true,
    ...answers,
  });
  render(App);
  await screen.findByRole('heading', { level: 1, name: 'API tokens' });
  await screen.findByRole('row', { name: /CI pipeline/ });
  return backend;
}

const clipboardChanged = (status: ClipboardStatus) => emit('clipboard-changed-event', status);

describe('Clipboard bar in App, following the backend', () => {
  it('shows a copy made elsewhere (the tray) and goes when the clipboard no longer holds it', async () => {
    await renderApp();
    expect(screen.queryByText(/is on the clipboard/)).toBeNull();

    await clipboardChanged({ holding: 'the value of “CI pipeline”', clearsAtMs: Date.now() + 20_000 });

    await waitFor(() => expect(statusText()).toContain('The value of “CI pipeline” is on the clipboard.'));
    expect(screen.getByText(/^Clears in (20|19) s$/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Clear now' })).toBeTruthy();

    await clipboardChanged({ holding: null, clearsAtMs: null });

    await waitFor(() => expect(statusText()).not.toContain('is on the clipboard'));
    expect(screen.queryByRole('button', { name: 'Clear now' })).toBeNull();
    expect(screen.queryByText(/Clears in/)).toBeNull();
  });
});

describe('Settings screen', () => {
  function renderSettings(answers: Record<string, Answer> = {}, current: Settings = SETTINGS) {
    const backend = mockBackend({
      get_settings: current,
      update_settings: ({ settings }: Args) => settings,
      ...answers,
    });
    render(SettingsScreen, { onBack: vi.fn() });
    return backend;
  }

  async function delaySelect(): Promise<HTMLSelectElement> {
    return (await screen.findByRole('combobox', { name: 'Clear a copied value after' })) as HTMLSelectElement;
  }

  async function choose(label: string) {
    const select = await delaySelect();
    const option = within(select).getByRole('option', { name: label }) as HTMLOptionElement;
    await fireEvent.change(select, { target: { value: option.value } });
  }

  function historyBox(): HTMLInputElement {
    return screen.getByRole('checkbox', { name: /Let clipboard history keep copied values/ }) as HTMLInputElement;
  }

  it('loads the settings and shows the current ones', async () => {
    const backend = renderSettings({}, { clipboardClearAfterSecs: 30, clipboardHistory: true });

    const select = await delaySelect();

    expect(backend.callsTo('get_settings')).toHaveLength(1);
    expect(select.selectedOptions[0]?.textContent).toBe('30 seconds');
    expect(
      within(select)
        .getAllByRole('option')
        .map((option) => option.textContent),
    ).toEqual([
      '5 seconds',
      '10 seconds',
      '20 seconds (default)',
      '30 seconds',
      '1 minute',
      '2 minutes',
      '5 minutes',
      'Never (not recommended)',
    ]);
    expect(historyBox().checked).toBe(true);
  });

  it('shows "Never" when clearing is off', async () => {
    renderSettings({}, { clipboardClearAfterSecs: null, clipboardHistory: false });

    expect((await delaySelect()).selectedOptions[0]?.textContent).toBe('Never (not recommended)');
    expect(historyBox().checked).toBe(false);
  });

  it('choosing "1 minute" saves 60 seconds', async () => {
    const backend = renderSettings();

    await choose('1 minute');

    await waitFor(() =>
      expect(backend.callsTo('update_settings')).toEqual([
        { settings: { clipboardClearAfterSecs: 60, clipboardHistory: false } },
      ]),
    );
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect((await delaySelect()).selectedOptions[0]?.textContent).toBe('1 minute');
  });

  it('choosing "Never" turns clearing off', async () => {
    const backend = renderSettings();

    await choose('Never (not recommended)');

    await waitFor(() =>
      expect(backend.callsTo('update_settings')).toEqual([
        { settings: { clipboardClearAfterSecs: null, clipboardHistory: false } },
      ]),
    );
  });

  it('ticking the history box lets clipboard history keep values', async () => {
    const backend = renderSettings();
    await delaySelect();

    await fireEvent.click(historyBox());

    await waitFor(() =>
      expect(backend.callsTo('update_settings')).toEqual([
        { settings: { clipboardClearAfterSecs: 20, clipboardHistory: true } },
      ]),
    );
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(historyBox().checked).toBe(true);
  });

  it('closing to the tray is on unless the settings say otherwise, and unticking it saves that', async () => {
    // Settings saved before the option existed have no closeToTray: it is on.
    const backend = renderSettings({}, SETTINGS);
    const box = (await screen.findByRole('checkbox', {
      name: /Keep running in the tray when the window is closed/,
    })) as HTMLInputElement;
    expect(box.checked).toBe(true);

    await fireEvent.click(box);

    await waitFor(() =>
      expect(backend.callsTo('update_settings')).toEqual([{ settings: { ...SETTINGS, closeToTray: false } }]),
    );
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(box.checked).toBe(false);
  });

  it('shows a refused delay on the select', async () => {
    renderSettings({
      update_settings: () => {
        throw deskError('validation', 'The settings were refused.', [
          { field: 'clipboardClearAfterSecs', message: 'Choose between 5 seconds and 5 minutes.' },
        ]);
      },
    });
    const select = await delaySelect();
    expect(select.getAttribute('aria-invalid')).not.toBe('true');

    await choose('2 minutes');

    await waitFor(() => expect(select.getAttribute('aria-invalid')).toBe('true'));
    const described = (select.getAttribute('aria-describedby') ?? '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ');
    expect(described).toContain('Choose between 5 seconds and 5 minutes.');
    expect(screen.queryByText('Saved.')).toBeNull();
  });

  it('shows a failure to save that names no field', async () => {
    renderSettings({
      update_settings: () => {
        throw deskError('storage', 'The settings file could not be written.');
      },
    });

    await choose('5 seconds');

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The settings could not be saved');
    expect(alert.textContent).toContain('The settings file could not be written.');
    expect(screen.queryByText('Saved.')).toBeNull();
  });
});

describe('Settings in App', () => {
  it('the header "Settings" button opens the Settings screen, and "API tokens" comes back', async () => {
    const backend = await renderApp();

    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();
    await screen.findByRole('combobox', { name: 'Clear a copied value after' });
    expect(backend.callsTo('get_settings')).toHaveLength(1);

    await fireEvent.click(screen.getByRole('button', { name: 'API tokens' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'API tokens' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Settings' })).toBeNull();
  });

  it('Ctrl+, opens the Settings screen and Escape goes back', async () => {
    await renderApp();

    await fireEvent.keyDown(window, { key: ',', ctrlKey: true });

    expect(await screen.findByRole('heading', { level: 1, name: 'Settings' })).toBeTruthy();
    expect(screen.queryByRole('grid')).toBeNull();

    await fireEvent.keyDown(window, { key: 'Escape' });

    expect(await screen.findByRole('heading', { level: 1, name: 'API tokens' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Settings' })).toBeNull();
  });
});
