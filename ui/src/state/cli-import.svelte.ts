// The offer to rescue SoftwareOne CLI accounts from their plain-text file:
// found, chosen, imported, then stripped from the file. Kept here, not in the
// component, because importing connects, and the window then swaps the
// welcome screen for the connected layout: the offer must carry on there.

import type { CliAccounts, CliImportResult, DeskError } from '../lib/bindings';
import { asDeskError, call, commands } from '../lib/desk';
import { connections } from './connections.svelte';

/** Where the offer stands. */
export type CliImportStep = 'offer' | 'choose' | 'imported' | 'stripped';

class CliImportOffer {
  /** The CLI's file and its accounts; null when there is none (or not yet read). */
  found = $state<CliAccounts | null>(null);
  step = $state<CliImportStep>('offer');
  /** Token ids to import. */
  chosen = $state<string[]>([]);
  /** An extra CA certificate for accounts at addresses of their own. */
  caPem = $state('');
  results = $state<CliImportResult[]>([]);
  /** The user said the CLI will need the removed secrets again. */
  understood = $state(false);
  busy = $state(false);
  /** How many secrets left the file. */
  removed = $state(0);
  failure = $state<DeskError | null>(null);
  /** Put off (or finished) for this run. */
  dismissed = $state(false);

  /** Accounts whose secret is in the file and that no connection uses yet. */
  importable = $derived(this.found?.accounts.filter((a) => a.hasSecret && !a.alreadyConnected) ?? []);
  /** Secrets still in the file for accounts Token Desk now signs in with. */
  strippable = $derived(this.found?.accounts.filter((a) => a.hasSecret && a.alreadyConnected) ?? []);
  /** A chosen account points at an address of its own (a proxy, a simulator). */
  needsCa = $derived(this.importable.some((a) => a.customAddress && this.chosen.includes(a.tokenId)));

  private asked = false;

  /** Reads the CLI's file once per run. */
  async readOnce(): Promise<void> {
    if (this.asked) return;
    this.asked = true;
    await this.read();
  }

  private async read(): Promise<void> {
    try {
      this.found = await call(commands.cliAccounts());
    } catch (thrown) {
      // A file Token Desk cannot read as the CLI's is worth a word; anything
      // else (no home folder…) only means there is nothing to offer.
      const error = asDeskError(thrown);
      if (error.kind === 'validation' || error.kind === 'storage') this.failure = error;
    }
  }

  choose(): void {
    this.chosen = this.importable.map((account) => account.tokenId);
    this.step = 'choose';
  }

  async importChosen(): Promise<void> {
    this.busy = true;
    this.failure = null;
    try {
      const ca = this.needsCa && this.caPem.trim() ? this.caPem : null;
      this.results = await call(commands.importCliAccounts(this.chosen, ca));
      // Read again first: what is imported is what may now leave the file.
      await this.read();
      this.step = 'imported';
    } catch (thrown) {
      this.failure = asDeskError(thrown);
    } finally {
      this.busy = false;
    }
    // The new connections show in the window (which then opens the first one).
    if (this.step === 'imported') await connections.load();
  }

  async strip(): Promise<void> {
    if (!this.understood) return;
    this.busy = true;
    this.failure = null;
    try {
      this.removed = await call(commands.stripCliSecrets());
      this.step = 'stripped';
      await this.read();
    } catch (thrown) {
      this.failure = asDeskError(thrown);
    } finally {
      this.busy = false;
    }
  }

  /** Forgets everything (component tests start from nothing). */
  reset(): void {
    this.found = null;
    this.step = 'offer';
    this.chosen = [];
    this.caPem = '';
    this.results = [];
    this.understood = false;
    this.busy = false;
    this.removed = 0;
    this.failure = null;
    this.dismissed = false;
    this.asked = false;
  }
}

export const cliImport = new CliImportOffer();
