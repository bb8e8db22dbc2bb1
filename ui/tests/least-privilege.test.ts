// Guiding to least privilege in the create wizard: powerful modules marked
// with why, through to the Review step; a review date by default, and "No
// date" asked about once before the wizard goes on.

import { afterEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import CreateTokenWizard from '../src/screens/token-form/CreateTokenWizard.svelte';
import ModulesTab from '../src/screens/token/ModulesTab.svelte';
import { router } from '../src/state/router.svelte';
import { connection, mockBackend, MODULES, resetAll, token } from './fixtures';

afterEach(resetAll);

const ACCESS = {
  id: 'MOD-1756',
  name: 'Access Management',
  code: 'access-management',
  description: 'Manage users, user groups and API tokens of the account.',
  harm: 'It can create users and API tokens: whoever holds this token can make themselves new ones.',
};

function start() {
  mockBackend({ assignable_modules: [...MODULES, ACCESS] });
  render(CreateTokenWizard, { connection: connection() });
}

async function general(name: string) {
  await fireEvent.input(screen.getByRole('textbox', { name: 'Name' }), { target: { value: name } });
}

describe('the create wizard', () => {
  it('marks a powerful module with why, in the picker and in the review', async () => {
    start();
    await general('Provisioning robot');
    await fireEvent.click(screen.getByRole('button', { name: 'Next: modules' }));
    const access = (await screen.findByRole('checkbox', { name: /Access Management/ })).closest('label')!;
    expect(within(access).getByText('Powerful')).toBeTruthy();
    expect(within(access).getByText(/make themselves new ones/)).toBeTruthy();
    const catalog = screen.getByRole('checkbox', { name: /Catalog/ }).closest('label')!;
    expect(within(catalog).queryByText('Powerful')).toBeNull();

    await fireEvent.click(screen.getByRole('checkbox', { name: /Access Management/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Next: review' }));
    const review = await screen.findByRole('heading', { name: 'Review' });
    expect(review.parentElement!.textContent).toMatch(/Access Management\s*Powerful/);
  });

  it('sets a review date in 90 days unless told otherwise, and asks once why not', async () => {
    start();
    await general('Short-lived export');
    expect((screen.getByRole('radio', { name: 'In 90 days' }) as HTMLInputElement).checked).toBe(true);

    await fireEvent.click(screen.getByRole('radio', { name: 'No date' }));
    expect(await screen.findByText('Why no review date?')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Next: modules' }));
    expect(screen.queryByRole('checkbox', { name: /Catalog/ })).toBeNull();

    await fireEvent.click(screen.getByRole('button', { name: 'No date: it is reviewed another way' }));
    expect(screen.queryByText('Why no review date?')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Next: modules' }));
    expect(await screen.findByRole('checkbox', { name: /Catalog/ })).toBeTruthy();
  });

  it("starts from another token's modules", async () => {
    mockBackend({ assignable_modules: [...MODULES, ACCESS] });
    render(ModulesTab, { token: token({ name: 'Billing robot', modules: [MODULES[1]] }), connectionId: 'conn-1' });
    await fireEvent.click(await screen.findByRole('button', { name: 'New token with these modules' }));
    expect(router.screen).toEqual({
      name: 'create',
      modulesFrom: { tokenName: 'Billing robot', moduleIds: ['MOD-0002'] },
    });

    render(CreateTokenWizard, {
      connection: connection(),
      modulesFrom: { tokenName: 'Billing robot', moduleIds: ['MOD-0002'] },
    });
    await general('Billing robot 2');
    await fireEvent.click(screen.getByRole('button', { name: 'Next: modules' }));
    expect(await screen.findByText(/Started from the modules of/)).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: /Billing/ }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: /Catalog/ }) as HTMLInputElement).checked).toBe(false);
  });
});
