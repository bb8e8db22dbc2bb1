// The create-token wizard: local checks shown all at once, the assignable
// modules with what they grant, a server field error taking the user back to
// the step with that field, and the "Token created" step with Copy (and its
// "Copy as" menu) and Reveal.

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import CreateTokenWizard from '../src/screens/token-form/CreateTokenWizard.svelte';
import ClipboardBar from '../src/features/clipboard/ClipboardBar.svelte';
import { tokenList } from '../src/state/tokens.svelte';
import { connection, deskError, mockBackend, MODULES, resetAll, token, type Answer } from './fixtures';

afterEach(resetAll);

function renderWizard(answers: Record<string, Answer> = {}) {
  const backend = mockBackend({ assignable_modules: MODULES, ...answers });
  render(CreateTokenWizard, { connection: connection() });
  return backend;
}

function nameInput() {
  return screen.getByRole('textbox', { name: 'Name' }) as HTMLInputElement;
}

/** The error text an input points to with aria-describedby. */
function describedText(input: HTMLElement): string {
  return (input.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' ');
}

/** Fills the General step and goes on to the review, choosing `moduleNames`. */
async function fillUpToReview(name: string, moduleNames: string[] = []) {
  await fireEvent.input(nameInput(), { target: { value: name } });
  await fireEvent.input(screen.getByRole('textbox', { name: /Description/ }), { target: { value: 'Deploys' } });
  await fireEvent.click(screen.getByRole('button', { name: 'Next: modules' }));
  for (const module of moduleNames) {
    await fireEvent.click(await screen.findByRole('checkbox', { name: new RegExp(module) }));
  }
  await fireEvent.click(await screen.findByRole('button', { name: 'Next: review' }));
  await screen.findByRole('heading', { name: 'Review' });
}

describe('Create token wizard', () => {
  it('shows an empty name and a too-long description at once', async () => {
    renderWizard();
    const description = screen.getByRole('textbox', { name: /Description/ });
    await fireEvent.input(description, { target: { value: 'x'.repeat(2001) } });

    await fireEvent.click(screen.getByRole('button', { name: 'Next: modules' }));

    expect(nameInput().getAttribute('aria-invalid')).toBe('true');
    expect(describedText(nameInput())).toContain('Enter a name for the token.');
    expect(description.getAttribute('aria-invalid')).toBe('true');
    expect(describedText(description)).toContain('The description is 2001 characters long; at most 2000 are allowed.');
    // Still on the first step.
    expect(screen.getByRole('heading', { name: 'General' })).toBeTruthy();
    expect(screen.getByText('General', { selector: 'li' }).getAttribute('aria-current')).toBe('step');
  });

  it('lists the assignable modules with their descriptions', async () => {
    const backend = renderWizard();
    await fireEvent.input(nameInput(), { target: { value: 'CI pipeline' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Next: modules' }));

    const catalog = await screen.findByRole('checkbox', { name: /Catalog/ });
    expect(catalog.closest('label')?.textContent).toContain('Read and manage products and listings.');
    expect(screen.getByRole('checkbox', { name: /Billing/ }).closest('label')?.textContent).toContain(
      'Read invoices and statements.',
    );
    expect(backend.callsTo('assignable_modules')).toEqual([{ connectionId: 'conn-1' }]);

    await fireEvent.click(catalog);
    expect(screen.getByText('(1 chosen)')).toBeTruthy();
  });

  it("takes a server error on 'name' back to the General step, on the Name field", async () => {
    const backend = renderWizard({
      create_token: () => {
        throw deskError('validation', 'The token was refused.', [
          { field: 'name', message: 'A token with this name already exists.' },
        ]);
      },
    });
    await fillUpToReview('CI pipeline', ['Catalog']);

    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    expect(await screen.findByRole('heading', { name: 'General' })).toBeTruthy();
    await waitFor(() => expect(nameInput().getAttribute('aria-invalid')).toBe('true'));
    expect(describedText(nameInput())).toContain('A token with this name already exists.');
    expect(nameInput().value).toBe('CI pipeline');
    expect(backend.callsTo('create_token')).toEqual([
      { connectionId: 'conn-1', token: { name: 'CI pipeline', description: 'Deploys', moduleIds: ['MOD-0001'] } },
    ]);
  });

  it('shows "Token created" with Copy value and Show', async () => {
    const created = token({ id: 'TKN-5000-0001', name: 'CI pipeline' });
    const secret = 'idt:TKN-5000-0001:9a8b7c6d5e4f';
    const backend = renderWizard({
      create_token: created,
      copy_token_value: ({ format }: Record<string, any>) => ({
        copied: format === 'curl' ? 'the curl command for “CI pipeline”' : 'the value of “CI pipeline”',
        clearsAtMs: Date.now() + 20_000,
      }),
      reveal_token_value: secret,
    });
    // App shows the clipboard bar beside every screen.
    render(ClipboardBar);
    await fillUpToReview('CI pipeline');

    await fireEvent.click(screen.getByRole('button', { name: 'Create token' }));

    expect(await screen.findByRole('heading', { name: 'Token created' })).toBeTruthy();
    expect(screen.getByText('idt:TKN-5000-0001:••••••••')).toBeTruthy();
    expect(tokenList.all.map((t) => t.id)).toContain('TKN-5000-0001');

    await fireEvent.click(screen.getByRole('button', { name: 'Copy value' }));
    expect(await screen.findByText('The value of “CI pipeline”')).toBeTruthy();
    expect(backend.callsTo('copy_token_value')).toEqual([
      { connectionId: 'conn-1', tokenId: 'TKN-5000-0001', format: 'value' },
    ]);

    await fireEvent.click(screen.getByRole('button', { name: 'Copy as' }));
    await fireEvent.click(await screen.findByRole('menuitem', { name: 'curl command' }));
    expect(await screen.findByText('The curl command for “CI pipeline”')).toBeTruthy();
    expect(backend.callsTo('copy_token_value')[1]).toEqual({
      connectionId: 'conn-1',
      tokenId: 'TKN-5000-0001',
      format: 'curl',
    });
    expect(document.body.textContent).not.toContain(secret);

    await fireEvent.click(screen.getByRole('button', { name: 'Show' }));
    const value = await screen.findByLabelText('Token value');
    expect(value.textContent).toBe(secret);
    expect(screen.queryByRole('button', { name: 'Show' })).toBeNull();
    // The one reveal component: a blur hides the value here too.
    await fireEvent.blur(window);
    expect(document.body.textContent).not.toContain(secret);
    expect(screen.getByRole('button', { name: 'Open the token' })).toBeTruthy();
  });
});
