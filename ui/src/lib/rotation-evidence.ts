// Evidence before a rotation disables the old token: was it used after its
// successor was created, and from where? Read from the old token's own audit
// records (its Usage), never guessed.

import type { TokenUsage } from './bindings';

/** What the audit trail says of the old token since the rotation began. */
export type Evidence =
  { kind: 'usedSince'; at: string; from: string | null } | { kind: 'quietSince' } | { kind: 'unknown' };

/** Whether the old token acted after `startedAt`, when last, and from which address. */
export function rotationEvidence(usage: TokenUsage, startedAt: string): Evidence {
  const started = Date.parse(startedAt);
  if (Number.isNaN(started)) return { kind: 'unknown' };
  const lastAt = usage.lastActivity?.timestamp ?? null;
  const last = lastAt ? Date.parse(lastAt) : Number.NaN;
  if (!lastAt || Number.isNaN(last) || last <= started) return { kind: 'quietSince' };
  const recent = usage.ips
    .filter((seen) => seen.lastSeen && Date.parse(seen.lastSeen) > started)
    .sort((a, b) => Date.parse(b.lastSeen ?? '') - Date.parse(a.lastSeen ?? ''))[0];
  const from = recent ? (recent.detail ? `${recent.value} (${recent.detail})` : recent.value) : null;
  return { kind: 'usedSince', at: lastAt, from };
}
