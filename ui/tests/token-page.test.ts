// The token page: the masked value with Show / Hide / Copy (and the window
// losing focus hiding it), the Modules, Details and Audit trail tabs with an
// audit record opening in a dialog, and the connection's own token, whose value
// is never offered.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import TokenPage from '../src/screens/token/TokenPage.svelte';
import ClipboardBar from '../src/features/clipboard/ClipboardBar.svelte';
import type { Connection, TokenView } from '../src/lib/bindings';
import { auditEntry, connection, mockBackend, MODULES, resetAll, token, type Answer } from './fixtures';

afterEach(resetAll);

const SECRET = 'idt:TKN-3000-0001:4f9c2e7d1a6b8c3e5f0a9d2b7c4e1f6a';

const CI: TokenView = token({
  id: 'TKN-3000-0001',
  name: 'CI pipeline',
  description: 'Deploys from GitHub Actions',
  modules: MODULES,
  lastAccessAt: '2026-03-02T08:30:00Z',
  created: { at: '2026-01-10T09:00:00Z', byId: 'USR-0001', byName: 'Ada Admin' },
  updated: { at: '2026-02-11T10:00:00Z', byId: 'USR-0002', byName: 'Bob Builder' },
});

function renderPage(answers: Record<string, Answer> = {}, conn: Connection = connection(), subject: TokenView = CI) {
  const backend = mockBackend({
    get_token: subject,
    assignable_modules: MODULES,
    reveal_token_value: SECRET,
    copy_token_value: { copied: 'the value of “CI pipeline”', clearsAtMs: Date.now() + 20_000 },
    ...answers,
  });
  const onBack = vi.fn();
  render(TokenPage, { connection: conn, tokenId: subject.id, onBack });
  return { backend, onBack };
}

async function valueField() {
  return screen.findByLabelText(/^Token value/);
}

describe('Token page, General tab', () => {
  it('shows the value masked, the id part only', async () => {
    renderPage();

    expect(await screen.findByRole('heading', { level: 1, name: 'CI pipeline' })).toBeTruthy();
    const value = await valueField();
    expect(value.textContent).toBe('idt:TKN-3000-0001:••••••••');
    expect(value.getAttribute('aria-label')).toBe('Token value, hidden');
    expect(screen.getByText('Deploys from GitHub Actions')).toBeTruthy();
  });

  it('Show reveals the value, Hide masks it again', async () => {
    const { backend } = renderPage();

    await fireEvent.click(await screen.findByRole('button', { name: 'Show' }));
    await waitFor(async () => expect((await valueField()).textContent).toBe(SECRET));
    expect(backend.callsTo('reveal_token_value')).toEqual([{ connectionId: 'conn-1', tokenId: 'TKN-3000-0001' }]);
    expect(screen.getByText(/Hides in 30 s/)).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Hide' }));
    expect((await valueField()).textContent).toBe('idt:TKN-3000-0001:••••••••');
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it('hides the value when the window loses focus', async () => {
    renderPage();

    await fireEvent.click(await screen.findByRole('button', { name: 'Show' }));
    await waitFor(async () => expect((await valueField()).textContent).toBe(SECRET));

    await fireEvent.blur(window);
    expect((await valueField()).textContent).toBe('idt:TKN-3000-0001:••••••••');
    expect(screen.getByRole('button', { name: 'Show' })).toBeTruthy();
  });

  it('Copy goes through the backend and never puts the value on the page', async () => {
    const { backend } = renderPage();
    // App shows the clipboard bar beside every screen.
    render(ClipboardBar);

    await fireEvent.click(await screen.findByRole('button', { name: 'Copy' }));

    expect(await screen.findByText('The value of “CI pipeline”')).toBeTruthy();
    expect(screen.getByText(/is on the clipboard\./)).toBeTruthy();
    expect(backend.callsTo('copy_token_value')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-3000-0001', format: 'value' },
    ]);
    expect(backend.callsTo('reveal_token_value')).toHaveLength(0);
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect((await valueField()).textContent).toBe('idt:TKN-3000-0001:••••••••');
  });

  it("offers neither Show nor Copy for the connection's own token, and says why", async () => {
    renderPage({}, connection({ tokenId: CI.id }));

    expect((await valueField()).textContent).toBe('idt:TKN-3000-0001:••••••••');
    expect(screen.getByText(/its value is your connection's secret, so it is not shown or copied here/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Show' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy' })).toBeNull();
    expect(screen.getByText('Token Desk signs in with this token')).toBeTruthy();
  });
});

describe('Token page, other tabs', () => {
  it('Modules lists what the token may call', async () => {
    renderPage();

    await fireEvent.click(await screen.findByRole('tab', { name: /Modules/ }));

    const panel = screen.getByRole('tabpanel');
    expect(within(panel).getByText('Catalog')).toBeTruthy();
    expect(within(panel).getByText('Read and manage products and listings.')).toBeTruthy();
    expect(within(panel).getByText('Billing')).toBeTruthy();
    expect(within(panel).queryByText('Deploys from GitHub Actions')).toBeNull();
  });

  it('keeps the modules it read when a copy without them arrives (the answer to Disable)', async () => {
    renderPage({ disable_token: { ...CI, status: 'Disabled', modules: null } });
    await fireEvent.click(await screen.findByRole('tab', { name: /Modules/ }));
    expect(within(screen.getByRole('tabpanel')).getByText('Billing')).toBeTruthy();

    await fireEvent.click(screen.getByRole('button', { name: 'Disable' }));
    const dialog = await screen.findByRole('alertdialog', { name: 'Disable “CI pipeline” in Acme test?' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Disable token' }));

    expect(await screen.findByRole('button', { name: 'Enable' })).toBeTruthy();
    expect(within(screen.getByRole('tabpanel')).getByText('Billing')).toBeTruthy();
    expect(screen.queryByText(/Loading this token's modules/)).toBeNull();
  });

  it('says the modules are loading, not that there are none, while they are not read', async () => {
    renderPage({ get_token: { ...CI, modules: null } });

    const tab = await screen.findByRole('tab', { name: /Modules/ });
    expect(tab.textContent?.trim()).toBe('Modules');
    await fireEvent.click(tab);
    expect(within(screen.getByRole('tabpanel')).getByText(/Loading this token's modules/)).toBeTruthy();
    expect(screen.queryByText(/This token has no modules/)).toBeNull();
  });

  it('Details shows who created and changed it', async () => {
    renderPage();

    await fireEvent.click(await screen.findByRole('tab', { name: 'Details' }));

    const panel = screen.getByRole('tabpanel');
    expect(within(panel).getByText(/by Ada Admin/)).toBeTruthy();
    expect(within(panel).getByText(/by Bob Builder/)).toBeTruthy();
    expect(within(panel).getByText(/approximate/)).toBeTruthy();
  });

  it('Audit trail lists records, and one opens with its IP and user agent', async () => {
    const { backend } = renderPage({
      event_types: [{ id: 'AET-1', key: 'platform.accounts.api-token.disabled', name: 'API token disabled' }],
      token_audit: {
        items: [
          auditEntry({ id: 'AUD-0002', summary: 'Disabled after a leak', actorName: 'Ada Admin' }),
          auditEntry({
            id: 'AUD-0001',
            event: 'platform.accounts.api-token.created',
            summary: 'Created',
            actorName: 'Bob Builder',
          }),
        ],
        paging: { offset: 0, limit: 50, total: 2 },
      },
      audit_record: {
        entry: auditEntry({ id: 'AUD-0002', summary: 'Disabled after a leak' }),
        details: 'Ada Admin disabled the API token CI pipeline.',
        recordType: 'Public',
        actorAccount: 'Acme Ltd',
        ip: '203.0.113.7',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) TokenDesk/1.0',
        location: 'United Kingdom, Scotland',
        documents: null,
      },
    });

    await fireEvent.click(await screen.findByRole('tab', { name: 'Audit trail' }));

    const records = await screen.findByRole('list', { name: 'Audit records, newest first' });
    expect(within(records).getAllByRole('button')).toHaveLength(2);
    expect(within(records).getByText('Disabled after a leak')).toBeTruthy();
    expect(backend.callsTo('token_audit')[0]).toMatchObject({
      connectionId: 'conn-1',
      query: { tokenId: 'TKN-3000-0001', role: 'object', offset: 0 },
    });

    await fireEvent.click(within(records).getByRole('button', { name: /Disabled after a leak/ }));

    const dialog = await screen.findByRole('dialog', { name: 'Audit record' });
    expect(await within(dialog).findByText('203.0.113.7')).toBeTruthy();
    expect(within(dialog).getByText('Mozilla/5.0 (X11; Linux x86_64) TokenDesk/1.0')).toBeTruthy();
    expect(within(dialog).getByText('United Kingdom, Scotland')).toBeTruthy();
    expect(backend.callsTo('audit_record')).toEqual([{ connectionId: 'conn-1', recordId: 'AUD-0002' }]);
  });
});
