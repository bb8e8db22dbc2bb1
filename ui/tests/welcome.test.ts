// The welcome screen and its connect form, rendered through App with no saved
// connections: the app's name and version, what Connect sends, where each
// kind of failure is shown, and the demo leading to the token list.

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import App from '../src/App.svelte';
import type { Connection } from '../src/lib/bindings';
import { connection, deskError, mockBackend, resetAll, streams, token } from './fixtures';

afterEach(resetAll);

const noConnections = { connections: [], activeId: null, notice: null };

function renderWelcome(answers: Record<string, unknown> = {}) {
  const backend = mockBackend({
    list_connections: noConnections,
    app_info: { name: 'Token Desk', version: '1.2.3' },
    ...answers,
  });
  render(App);
  return backend;
}

async function secretInput() {
  return (await screen.findByLabelText('Your API token')) as HTMLInputElement;
}

/** The error text an input points to with aria-describedby. */
function describedText(input: HTMLElement): string {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

describe('Welcome screen', () => {
  it('shows the name and version app_info reports', async () => {
    renderWelcome({ app_info: { name: 'Token Desk Nightly', version: '9.8.7' } });

    expect(await screen.findByRole('heading', { level: 1, name: 'Token Desk Nightly' })).toBeTruthy();
    expect(screen.getByText('9.8.7').closest('p')?.textContent).toBe('Version 9.8.7');
  });

  it('Connect sends the chosen environment, label and secret', async () => {
    const added = connection({ id: 'conn-new', label: 'Staging' });
    let saved: Connection[] = [];
    const backend = renderWelcome({
      list_connections: () => ({ connections: saved, activeId: saved[0]?.id ?? null, notice: null }),
      add_connection: () => {
        saved = [added];
        return added;
      },
      set_active_connection: null,
      list_all_tokens: streams([]),
    });

    await fireEvent.change(await screen.findByLabelText('Environment'), { target: { value: 'qa' } });
    await fireEvent.input(screen.getByLabelText(/Connection name/), { target: { value: '  Staging ' } });
    await fireEvent.input(await secretInput(), { target: { value: ' idt:TKN-0000-0001:s3cret ' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));

    await waitFor(() => expect(backend.callsTo('add_connection')).toHaveLength(1));
    expect(backend.callsTo('add_connection')[0]).toEqual({
      connection: {
        environment: { kind: 'qa' },
        label: 'Staging',
        secret: 'idt:TKN-0000-0001:s3cret',
        caCertificatePem: null,
      },
    });
    // Saved and opened: the app moves on to the connection's token list.
    expect(await screen.findByRole('heading', { name: 'API tokens' })).toBeTruthy();
    expect(backend.callsTo('set_active_connection')).toEqual([{ connectionId: 'conn-new' }]);
  });

  it('shows a refused token on the API token field', async () => {
    renderWelcome({
      add_connection: () => {
        throw deskError('unauthorized', 'The Marketplace refused this API token.', [], 'trace-1');
      },
    });

    const secret = await secretInput();
    await fireEvent.input(secret, { target: { value: 'idt:TKN-0000-0001:wrong' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));

    await waitFor(() => expect(secret.getAttribute('aria-invalid')).toBe('true'));
    expect(describedText(secret)).toContain('The Marketplace refused this API token.');
    // It is the field's error, not a general alert.
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByLabelText(/Connection name/).getAttribute('aria-invalid')).toBe('false');
  });

  it('shows a url field error on the API address of a custom environment', async () => {
    const backend = renderWelcome({
      add_connection: () => {
        throw deskError('validation', 'The connection was refused.', [
          { field: 'url', message: 'The address must use https.' },
        ]);
      },
    });

    await fireEvent.change(await screen.findByLabelText('Environment'), { target: { value: 'custom' } });
    const address = screen.getByLabelText('API address') as HTMLInputElement;
    await fireEvent.input(address, { target: { value: 'https://proxy.example.com/' } });
    await fireEvent.input(await secretInput(), { target: { value: 'idt:TKN-0000-0001:x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));

    await waitFor(() => expect(address.getAttribute('aria-invalid')).toBe('true'));
    expect(describedText(address)).toContain('The address must use https.');
    expect(backend.callsTo('add_connection')[0].connection.environment).toEqual({
      kind: 'custom',
      url: 'https://proxy.example.com/',
    });
    expect((await secretInput()).getAttribute('aria-invalid')).toBe('false');
  });

  it('shows a network failure as an alert with what to try', async () => {
    renderWelcome({
      add_connection: () => {
        throw deskError('network', 'The Marketplace did not answer.');
      },
    });

    await fireEvent.input(await secretInput(), { target: { value: 'idt:TKN-0000-0001:x' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));

    const alert = await screen.findByRole('alert');
    expect(within(alert).getByText('Could not connect')).toBeTruthy();
    expect(within(alert).getByText('The Marketplace did not answer.')).toBeTruthy();
    expect(within(alert).getByText('Check your network or VPN, then try again.')).toBeTruthy();
    // The form is usable again.
    expect((screen.getByRole('button', { name: 'Connect' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('Try the demo starts the demo and shows its token list', async () => {
    const demo = connection({ id: 'demo', label: 'Demo', demo: true, tokenId: 'TKN-9999-0000' });
    const backend = renderWelcome({
      start_demo: demo,
      list_all_tokens: streams([token({ name: 'Simulated ERP' })]),
    });

    await fireEvent.click(await screen.findByRole('button', { name: 'Try the demo' }));

    expect(await screen.findByRole('heading', { name: 'API tokens' })).toBeTruthy();
    expect(await screen.findByText('Simulated ERP')).toBeTruthy();
    expect(backend.callsTo('start_demo')).toHaveLength(1);
    expect(backend.callsTo('list_all_tokens')[0]).toMatchObject({ connectionId: 'demo' });
  });
});

describe('Keychain entries without a connection', () => {
  it('are pointed out at start-up and removed when the user asks', async () => {
    const backend = renderWelcome({ orphaned_secrets: ['left-1', 'left-2'], remove_orphaned_secrets: 2 });

    const region = await screen.findByRole('region', { name: 'Keychain entries without a connection' });
    expect(region.textContent).toContain('2 saved API secrets belong to no connection');
    await fireEvent.click(within(region).getByRole('button', { name: 'Remove them' }));

    await waitFor(() => expect(backend.callsTo('remove_orphaned_secrets')).toHaveLength(1));
    await waitFor(() =>
      expect(screen.queryByRole('region', { name: 'Keychain entries without a connection' })).toBeNull(),
    );
  });

  it('once put off, stay gone after connecting', async () => {
    const backend = renderWelcome({
      orphaned_secrets: ['left-1'],
      start_demo: connection({ id: 'demo', label: 'Demo', demo: true }),
      list_all_tokens: streams([token({ name: 'CI pipeline' })]),
    });
    const region = await screen.findByRole('region', { name: 'Keychain entries without a connection' });
    await fireEvent.click(within(region).getByRole('button', { name: 'Not now' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Try the demo' }));
    await screen.findByRole('heading', { level: 1, name: 'API tokens' });
    expect(screen.queryByRole('region', { name: 'Keychain entries without a connection' })).toBeNull();
    expect(backend.callsTo('orphaned_secrets')).toHaveLength(1);
  });

  it('say nothing when there are none', async () => {
    const backend = renderWelcome({ orphaned_secrets: [] });
    await secretInput();
    await waitFor(() => expect(backend.callsTo('orphaned_secrets')).toHaveLength(1));
    expect(screen.queryByRole('region', { name: 'Keychain entries without a connection' })).toBeNull();
  });
});

describe('SoftwareOne CLI accounts kept in plain text', () => {
  const file = '/home/me/.swocli/accounts.json';
  const account = (tokenId: string, name: string, alreadyConnected = false) => ({
    name,
    accountId: 'ACC-1111-2222',
    tokenId,
    environment: 'Production',
    customAddress: false,
    hasSecret: true,
    alreadyConnected,
    isActive: false,
  });

  it('are imported as checked connections, then leave the file only once the user confirms', async () => {
    let imported = false;
    const backend = renderWelcome({
      cli_accounts: () => ({
        path: file,
        accounts: [account('TKN-0000-0001', 'Billing robot', imported), account('TKN-0000-0002', 'Old CI')],
      }),
      import_cli_accounts: () => {
        imported = true;
        return [
          { outcome: 'imported', tokenId: 'TKN-0000-0001', connection: connection({ label: 'Billing robot' }) },
          {
            outcome: 'failed',
            tokenId: 'TKN-0000-0002',
            name: 'Old CI',
            error: deskError('unauthorized', 'The API token was refused.'),
          },
        ];
      },
      strip_cli_secrets: 1,
    });

    const region = await screen.findByRole('region', { name: 'SoftwareOne CLI accounts' });
    expect(region.textContent).toContain('2 API secrets of SoftwareOne');
    expect(region.textContent).toContain(file);
    await fireEvent.click(within(region).getByRole('button', { name: 'Import…' }));
    // Both are offered and chosen; the user leaves one out.
    const old = within(region).getByRole('checkbox', { name: /Old CI/ }) as HTMLInputElement;
    expect(old.checked).toBe(true);
    await fireEvent.click(within(region).getByRole('button', { name: 'Import 2' }));

    await waitFor(() => expect(backend.callsTo('import_cli_accounts')).toHaveLength(1));
    expect(backend.callsTo('import_cli_accounts')[0]).toMatchObject({ tokenIds: ['TKN-0000-0001', 'TKN-0000-0002'] });
    expect(await within(region).findByText(/Billing robot: connected/)).toBeTruthy();
    expect(within(region).getByText(/Old CI: not imported\. The API token was refused\./)).toBeTruthy();

    // Removing the plain-text copy needs an explicit confirmation, and says what the CLI will need.
    expect(region.textContent).toContain('CLI will then ask for that secret again');
    const remove = within(region).getByRole('button', { name: 'Remove it from the file' }) as HTMLButtonElement;
    expect(remove.disabled).toBe(true);
    await fireEvent.click(remove);
    expect(backend.callsTo('strip_cli_secrets')).toHaveLength(0);
    await fireEvent.click(within(region).getByRole('checkbox', { name: /the CLI will need it again/ }));
    await fireEvent.click(remove);
    await waitFor(() => expect(backend.callsTo('strip_cli_secrets')).toHaveLength(1));
    await waitFor(() => expect(region.textContent).toContain("One secret removed from SoftwareOne's CLI file"));
  });

  it("a file that is not the CLI's says so", async () => {
    renderWelcome({
      cli_accounts: () => {
        throw deskError(
          'validation',
          `${file} is not the SoftwareOne CLI's accounts file: it holds no list of accounts.`,
        );
      },
    });
    const region = await screen.findByRole('region', { name: 'SoftwareOne CLI accounts' });
    expect(region.textContent).toContain('holds no list of accounts');
  });

  it('say nothing when there is no file', async () => {
    const backend = renderWelcome({ cli_accounts: null });
    await secretInput();
    await waitFor(() => expect(backend.callsTo('cli_accounts')).toHaveLength(1));
    expect(screen.queryByRole('region', { name: 'SoftwareOne CLI accounts' })).toBeNull();
  });
});
