// A leaked value pasted into the list's search: never typed into the field,
// looked up in every connection, answered with Disable now first; an id
// nobody knows says which connections were searched.

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import TokenListScreen from '../src/screens/tokens/TokenListScreen.svelte';
import { connection, mockBackend, resetAll, streams, token } from './fixtures';

afterEach(resetAll);

function paste(target: HTMLElement, text: string) {
  const event = new Event('paste', { bubbles: true, cancelable: true }) as Event & { clipboardData: unknown };
  event.clipboardData = { getData: () => text };
  target.dispatchEvent(event);
  return event;
}

describe('a pasted leak', () => {
  it('is looked up in every connection, kept out of the field, and disabled in one click', async () => {
    const leaked = token({ id: 'TKN-4000-0001', name: 'CI pipeline', status: 'Active' });
    const secret = 'idt:TKN-4000-0001:AbCdEf0123456789';
    const backend = mockBackend({
      list_all_tokens: streams([leaked]),
      find_pasted_token: {
        tokenId: leaked.id,
        valuePasted: true,
        found: [{ connectionId: 'conn-1', connectionLabel: 'Acme', token: leaked }],
        searched: ['Acme', 'Test'],
        failed: [],
      },
      disable_token: { ...leaked, status: 'Disabled' },
    });
    render(TokenListScreen, { connection: connection() });
    const search = await screen.findByRole('searchbox');
    const event = paste(search, `ERROR Bearer ${secret} refused`);
    expect(event.defaultPrevented).toBe(true);
    expect((search as HTMLInputElement).value).toBe('');
    expect(await screen.findByRole('heading', { name: 'A value of TKN-4000-0001 was pasted' })).toBeTruthy();
    expect(backend.callsTo('find_pasted_token')).toEqual([{ text: `ERROR Bearer ${secret} refused` }]);
    expect(document.body.textContent).not.toContain(secret);

    await fireEvent.click(screen.getByRole('button', { name: 'Disable now' }));
    expect(backend.callsTo('disable_token')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-4000-0001', signInConfirmed: false },
    ]);
    await expect.poll(() => screen.queryByRole('button', { name: 'Disable now' })).toBeNull();
  });

  it('says which connections were searched when none knows the token, and leaves other pastes alone', async () => {
    mockBackend({
      list_all_tokens: streams([]),
      find_pasted_token: {
        tokenId: 'TKN-0000-0001',
        valuePasted: false,
        found: [],
        searched: ['Acme', 'Test'],
        failed: [],
      },
    });
    render(TokenListScreen, { connection: connection() });
    const search = await screen.findByRole('searchbox');
    expect(paste(search, 'billing').defaultPrevented).toBe(false);
    paste(search, 'TKN-0000-0001');
    expect(await screen.findByText('No saved connection knows TKN-0000-0001. Searched: Acme, Test.')).toBeTruthy();
  });
});
