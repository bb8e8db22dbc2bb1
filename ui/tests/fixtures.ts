// Shared test data and a fake backend for the component tests: a connection,
// tokens, Desk errors, and `mockBackend`, which answers the typed commands
// through Tauri's own IPC mock and records every call.

import { resetOrphanedSecretsNotice } from '../src/features/keychain/OrphanedSecrets.svelte';
import { cliImport } from '../src/state/cli-import.svelte';
import { cleanup } from '@testing-library/svelte';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { Channel } from '@tauri-apps/api/core';
import type {
  AuditEntryView,
  Connection,
  DeskError,
  ErrorKind,
  FieldError,
  ModuleView,
  TokenBatch,
  TokenRows,
  TokenView,
} from '../src/lib/bindings';
import { listedToken, timeOf, type ListedToken } from '../src/lib/listed-token';
import { connections } from '../src/state/connections.svelte';
import { tokenList } from '../src/state/tokens.svelte';
import { assignableModules } from '../src/state/modules.svelte';
import { router } from '../src/state/router.svelte';
import { clipboard } from '../src/state/clipboard.svelte';
import { notes } from '../src/state/notes.svelte';
import { lock } from '../src/state/lock.svelte';
import { leak } from '../src/state/leak.svelte';

/** A saved (non-demo) connection on the Test environment; override what a test needs. */
export function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'conn-1',
    label: 'Acme test',
    environment: { kind: 'test' },
    baseUrl: 'https://api.s1.show',
    tokenId: 'TKN-0000-0001',
    account: { id: 'ACC-1111-2222', name: 'Acme Ltd', accountType: 'Vendor' },
    colour: '#3b4fd8',
    demo: false,
    caCertificatePem: null,
    ...overrides,
  };
}

export const MODULES: ModuleView[] = [
  {
    id: 'MOD-0001',
    name: 'Catalog',
    code: 'catalog',
    description: 'Read and manage products and listings.',
    harm: null,
  },
  { id: 'MOD-0002', name: 'Billing', code: 'billing', description: 'Read invoices and statements.', harm: null },
];

let nextToken = 1;

/** A token; ids count up per call unless given. */
export function token(overrides: Partial<TokenView> = {}): TokenView {
  const n = nextToken++;
  return {
    id: `TKN-1000-${String(n).padStart(4, '0')}`,
    name: `Token ${n}`,
    description: null,
    status: 'Active',
    lastAccessAt: null,
    account: { id: 'ACC-1111-2222', name: 'Acme Ltd', accountType: 'Vendor' },
    modules: [],
    created: { at: '2026-01-10T09:00:00Z', byId: 'USR-0001', byName: 'Ada Admin' },
    updated: null,
    ...overrides,
  };
}

/** The list's row for a test token (see `token`). */
export function row(overrides: Partial<TokenView> = {}): ListedToken {
  return listedToken(token(overrides));
}

/** A DeskError, the value a failing command rejects with. */
export function deskError(
  kind: ErrorKind,
  message: string,
  fieldErrors: FieldError[] = [],
  traceId: string | null = null,
): DeskError {
  return { kind, message, fieldErrors, traceId };
}

/** One audit list entry. */
export function auditEntry(overrides: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    id: 'AUD-0001',
    event: 'platform.accounts.api-token.disabled',
    summary: 'API token disabled',
    timestamp: '2026-02-01T12:00:00Z',
    actorId: 'USR-0001',
    actorName: 'Ada Admin',
    objectId: 'TKN-1000-0001',
    objectName: 'CI pipeline',
    ...overrides,
  };
}

type Args = Record<string, any>;
/** A command's answer: a value, or a function of the (camelCase) args that returns or throws one. */
export type Answer = unknown | ((args: Args) => unknown);

/** One command the UI sent. */
export type Call = { command: string; args: Args };

/**
 * Answers commands from `answers` (by snake_case name) and records each call.
 * Tauri's event plugin is mocked too, so `listen` works. A command with no
 * answer fails the way a Rust panic would (an `Error`, not a DeskError), so a
 * test notices it.
 */
export function mockBackend(answers: Record<string, Answer>) {
  const calls: Call[] = [];
  // Nothing kept on this device unless a test says otherwise.
  answers.review_dates ??= [];
  answers.rotations ??= [];
  answers.remembered_tokens ??= null;
  // Unlocked, not presenting, unless a test says otherwise.
  answers.lock_status ??= { locked: false, reason: null, presenting: false };
  answers.note_activity ??= null;
  answers.protect_from_capture ??= null;
  answers.restore_label ??= null;
  answers.clipboard_problem ??= null;
  mockIPC(
    (command, args) => {
      const payload = (args ?? {}) as Args;
      calls.push({ command, args: payload });
      if (!(command in answers)) throw new Error(`no mock answer for ${command}`);
      const answer = answers[command];
      return typeof answer === 'function' ? (answer as (args: Args) => unknown)(payload) : answer;
    },
    { shouldMockEvents: true },
  );
  return {
    calls,
    /** The args of every call to `command`, in order. */
    callsTo: (command: string) => calls.filter((call) => call.command === command).map((call) => call.args),
    /** Replaces or adds answers mid-test. */
    answer: (command: string, value: Answer) => {
      answers[command] = value;
    },
  };
}

type Internals = { runCallback: (id: number, data: unknown) => void };

/** Delivers `batches` on a command's Channel the way Rust does (indexed messages through the callback registry). */
export function sendBatches(channel: Channel<TokenBatch>, batches: TokenBatch[], firstIndex = 0): void {
  const internals = (window as unknown as { __TAURI_INTERNALS__: Internals }).__TAURI_INTERNALS__;
  batches.forEach((message, index) => internals.runCallback(channel.id, { index: firstIndex + index, message }));
}

/**
 * `tokens` column by column, as the desk sends a list (`TokenRows::of` in
 * desk-core): repeated texts and accounts once, dates as milliseconds.
 */
export function tokenRows(tokens: readonly TokenView[]): TokenRows {
  const rows: TokenRows = {
    ids: [],
    names: [],
    descriptions: [],
    statuses: [],
    lastAccess: [],
    created: [],
    createdBy: [],
    accountOf: [],
    texts: [],
    accounts: [],
  };
  const text = (value: string) => {
    const at = rows.texts.indexOf(value);
    return at >= 0 ? at : rows.texts.push(value) - 1;
  };
  const time = timeOf;
  for (const token of tokens) {
    rows.ids.push(token.id);
    rows.names.push(token.name);
    rows.descriptions.push(token.description);
    rows.statuses.push(text(token.status));
    rows.lastAccess.push(time(token.lastAccessAt));
    rows.created.push(time(token.created?.at));
    rows.createdBy.push(token.created?.byName ? text(token.created.byName) : null);
    const account = token.account;
    if (account) {
      const at = rows.accounts.findIndex(
        (known) => known.id === account.id && known.name === account.name && known.accountType === account.accountType,
      );
      rows.accountOf.push(at >= 0 ? at : rows.accounts.push(account) - 1);
    } else {
      rows.accountOf.push(null);
    }
  }
  return rows;
}

/** Splits `tokens` into batches with running `fetched` counts. */
export function batchesOf(tokens: TokenView[], size = 2): TokenBatch[] {
  const batches: TokenBatch[] = [];
  for (let at = 0; at < tokens.length; at += size) {
    batches.push({
      rows: tokenRows(tokens.slice(at, at + size)),
      fetched: Math.min(at + size, tokens.length),
      total: tokens.length,
    });
  }
  return batches;
}

/** A `list_all_tokens` answer that streams `tokens` in batches, then returns the count. */
export function streams(tokens: TokenView[]): (args: Args) => number {
  return (args) => {
    sendBatches(args.onBatch as Channel<TokenBatch>, batchesOf(tokens));
    return tokens.length;
  };
}

/** A promise the test settles by hand, for loading states. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Unmounts, lets the unmount's async unlisten calls run while the IPC mock still exists, then forgets every mock and store. */
export async function resetAll(): Promise<void> {
  cleanup();
  await new Promise((resolve) => setTimeout(resolve, 0));
  clearMocks();
  connections.reset();
  tokenList.reset();
  assignableModules.reset();
  clipboard.reset();
  resetOrphanedSecretsNotice();
  cliImport.reset();
  notes.reset();
  lock.reset();
  leak.close();
  router.toList();
}
