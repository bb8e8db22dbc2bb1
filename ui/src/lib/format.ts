// How dates, environments and token values are written on screen.

import type { Connection, Environment } from './bindings';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "12 Jun 2026, 14:03", or a dash for no date; `at` is RFC 3339 or milliseconds since 1970. */
export function formatDateTime(at: string | number | null | undefined): string {
  if (at === null || at === undefined || at === '') return '—';
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? String(at) : dateTime.format(date);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 days ago", "in 2 hours", "just now"; "Never" for no date; `when` is RFC 3339 or milliseconds since 1970. */
export function formatRelative(when: string | number | null | undefined, now: number = Date.now()): string {
  if (when === null || when === undefined || when === '') return 'Never';
  const at = new Date(when).getTime();
  if (Number.isNaN(at)) return String(when);
  const seconds = Math.round((at - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** A token's value as shown before a reveal: the id part is not secret. */
export function maskedValue(tokenId: string): string {
  return `idt:${tokenId}:••••••••`;
}

/** "Production", "Test", "QA", "Dev", or the custom host. */
export function environmentName(environment: Environment): string {
  switch (environment.kind) {
    case 'production':
      return 'Production';
    case 'test':
      return 'Test';
    case 'qa':
      return 'QA';
    case 'dev':
      return 'Dev';
    case 'custom':
      return environment.url.replace(/^https:\/\//i, '').replace(/\/+$/, '');
  }
}

/** The production platform's API host. */
const PRODUCTION_HOST = 'api.platform.softwareone.com';

/**
 * True for the production platform, which must never be mistaken for a test
 * one: the Production environment, or any address on its host.
 */
export function isProduction(connection: Connection | null | undefined): boolean {
  if (!connection) return false;
  if (connection.environment.kind === 'production') return true;
  try {
    return new URL(connection.baseUrl).hostname.toLowerCase() === PRODUCTION_HOST;
  } catch {
    return false;
  }
}

/** Whether a connection's account sees every account's tokens. */
export function isOperations(connection: Connection | null | undefined): boolean {
  return connection?.account.accountType === 'Operations';
}

/** "1,000" in the user's locale. */
export function formatCount(count: number): string {
  return count.toLocaleString();
}
