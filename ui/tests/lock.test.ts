// The lock in the window: Ctrl+L locks, the lock screen names the connection
// and asks the system through `unlock`, a refusal stays locked with the
// reason, a value on screen is hidden the moment the lock comes, and
// presenting frames the window.

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { emit } from '@tauri-apps/api/event';
import App from '../src/App.svelte';
import TokenValue from '../src/screens/token/TokenValue.svelte';
import { lock } from '../src/state/lock.svelte';
import { connection, deskError, mockBackend, resetAll, streams, token } from './fixtures';

afterEach(resetAll);

const LOCKED = { locked: true, reason: 'asked', presenting: false };
const UNLOCKED = { locked: false, reason: null, presenting: false };

function app(extra: Record<string, unknown> = {}) {
  const conn = connection({ label: 'Acme production' });
  return mockBackend({
    list_connections: { connections: [conn], activeId: conn.id, notice: null, setAside: null, fileNotices: [] },
    list_all_tokens: streams([token({ id: 'TKN-1000-0001', name: 'CI' })]),
    get_settings: {},
    ...extra,
  });
}

describe('the lock', () => {
  it('locks on Ctrl+L, names the connection, and unlocks once the system confirms', async () => {
    const backend = app({
      lock: LOCKED,
      unlock: () => {
        throw deskError('locked', 'The system did not confirm it is you.');
      },
    });
    render(App);
    await screen.findByRole('button', { name: /Lock/ });
    await fireEvent.keyDown(window, { key: 'l', ctrlKey: true });
    expect(backend.callsTo('lock')).toHaveLength(1);
    expect(await screen.findByRole('heading', { name: 'Token Desk is locked' })).toBeTruthy();
    const lockScreen = screen.getByRole('dialog', { name: 'Token Desk is locked' });
    expect(within(lockScreen).getByText('Acme production')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByText('The system did not confirm it is you.')).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Token Desk is locked' })).toBeTruthy();

    backend.answer('unlock', UNLOCKED);
    await fireEvent.click(screen.getByRole('button', { name: 'Unlock' }));
    await expect.poll(() => screen.queryByRole('heading', { name: 'Token Desk is locked' })).toBeNull();
  });

  it('hides a value on screen the moment Token Desk locks', async () => {
    const secret = 'idt:TKN-1000-0001:AbCdEf0123456789';
    const backend = mockBackend({ reveal_token_value: secret, copy_token_value: null });
    await lock.follow();
    render(TokenValue, { connectionId: 'conn-1', tokenId: 'TKN-1000-0001' });
    await fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    expect((await screen.findByLabelText('Token value')).textContent).toBe(secret);
    await emit('lock-changed-event', LOCKED);
    await expect.poll(() => document.body.textContent?.includes(secret)).toBe(false);
    // Kept out of screen capture while it was shown, and no longer after.
    expect(backend.callsTo('protect_from_capture')).toEqual([{ valueShown: true }, { valueShown: false }]);
  });

  it('frames the window while presenting', async () => {
    const backend = app({ set_presenting: { ...UNLOCKED, presenting: true } });
    const { container } = render(App);
    await fireEvent.click(await screen.findByRole('button', { name: /Presenting/ }));
    expect(backend.callsTo('set_presenting')).toEqual([{ on: true }]);
    await expect.poll(() => container.ownerDocument.querySelector('.presenting-frame')).not.toBeNull();
  });
});
