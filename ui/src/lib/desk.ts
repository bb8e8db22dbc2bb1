// The one layer between the screens and the generated bindings: every command's
// `{status, data | error}` becomes a value or a thrown `DeskFailure`, so
// screens write ordinary async code and never call `invoke` by hand.

import type { DeskError, ErrorKind } from './bindings';

export { commands, events } from './bindings';

type CommandResult<T> = { status: 'ok'; data: T } | { status: 'error'; error: DeskError };

/** A command refused or failed; carries the typed error the backend sent. */
export class DeskFailure extends Error {
  constructor(readonly error: DeskError) {
    super(error.message);
    this.name = 'DeskFailure';
  }

  /** What kind of failure this is. */
  get kind(): ErrorKind {
    return this.error.kind;
  }
}

/** Awaits a typed command and returns its value, or throws a `DeskFailure`. */
export async function call<T>(pending: Promise<CommandResult<T>>): Promise<T> {
  let result: CommandResult<T>;
  try {
    result = await pending;
  } catch (thrown) {
    // The IPC layer itself failed (a bug, or the window outlived the app).
    throw new DeskFailure(asDeskError(thrown));
  }
  if (result.status === 'ok') return result.data;
  throw new DeskFailure(result.error);
}

/** Anything caught, as a `DeskError` the UI can show. */
export function asDeskError(thrown: unknown): DeskError {
  if (thrown instanceof DeskFailure) return thrown.error;
  if (isDeskError(thrown)) return thrown;
  const detail = thrown instanceof Error ? thrown.message : String(thrown);
  return {
    kind: 'internal',
    message: `Token Desk hit an unexpected problem: ${detail}`,
    fieldErrors: [],
    traceId: null,
  };
}

function isDeskError(value: unknown): value is DeskError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    'message' in value &&
    Array.isArray((value as DeskError).fieldErrors)
  );
}

/**
 * The error's sentence without the trailing "Trace id: …." the backend adds,
 * for places that show the trace id on its own line.
 */
export function withoutTraceId(error: DeskError): string {
  if (!error.traceId) return error.message;
  return error.message.replace(`Trace id: ${error.traceId}.`, '').trim();
}

/** The message for `field`, when the error names it. */
export function fieldMessage(error: DeskError | null | undefined, field: string): string | null {
  return error?.fieldErrors.find((entry) => entry.field === field)?.message ?? null;
}

/** Field errors that belong to none of `fields`: shown with the form's general error. */
export function otherFieldMessages(error: DeskError | null | undefined, fields: readonly string[]): string[] {
  return (error?.fieldErrors ?? [])
    .filter((entry) => entry.field === null || !fields.includes(entry.field))
    .map((entry) => entry.message);
}

/** What to try next, by kind: the backend's message says what happened. */
export function nextStep(kind: ErrorKind): string | null {
  return NEXT_STEPS[kind];
}

/** One entry per kind: a kind added in Rust fails the type check here until it has its next step. */
const NEXT_STEPS: Record<ErrorKind, string | null> = {
  network: 'Check your network or VPN, then try again.',
  tls: 'If you are behind a corporate proxy, add its CA certificate to the connection.',
  rateLimited: 'Wait a moment, then try again.',
  server: 'Try again in a moment; if it keeps failing, quote the trace id to SoftwareOne support.',
  unauthorized: 'Check that the API token is active, or connect again with a new one.',
  forbidden: 'Ask an administrator of the account for the modules this needs.',
  // The message itself says why and what to do; trying again does not help.
  refused: null,
  // The message says to unlock, and what works while locked.
  locked: null,
  keychain: 'Unlock or start your keychain (on Linux, the Secret Service such as GNOME Keyring), then try again.',
  // The message says what the desktop lacks and what to do instead.
  clipboard: null,
  storage: "Check that Token Desk's settings folder is writable.",
  internal: 'Please report this, with what you were doing.',
  // The message names the field or the object; there is nothing more to add.
  validation: null,
  notFound: null,
  conflict: null,
};
