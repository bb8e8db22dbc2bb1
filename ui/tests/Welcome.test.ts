import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import Welcome from '../src/lib/Welcome.svelte';

afterEach(() => {
  cleanup();
  clearMocks();
});

describe('Welcome', () => {
  it('shows the name and version the backend reports', async () => {
    const invoked: string[] = [];
    mockIPC((command) => {
      invoked.push(command);
      if (command === 'app_info') return { name: 'Token Desk Nightly', version: '9.8.7' };
      throw new Error(`unexpected command ${command}`);
    });

    render(Welcome);

    expect((await screen.findByTestId('app-name')).textContent).toBe('Token Desk Nightly');
    expect(screen.getByTestId('app-version').textContent).toBe('9.8.7');
    expect(invoked).toEqual(['app_info']);
  });

  it('says so when the backend cannot answer', async () => {
    mockIPC(() => {
      throw new Error('backend is gone');
    });

    render(Welcome);

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('backend is gone');
    expect(screen.queryByTestId('app-version')).toBeNull();
  });
});
