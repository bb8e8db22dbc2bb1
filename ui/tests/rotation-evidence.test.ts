// Rotation evidence: the old token's use after its successor was created, from its own records.

import { describe, expect, it } from 'vitest';
import type { TokenUsage } from '../src/lib/bindings';
import { rotationEvidence } from '../src/lib/rotation-evidence';
import { auditEntry } from './fixtures';

function usage(lastAt: string | null, ips: TokenUsage['ips'] = []): TokenUsage {
  return {
    lastAccessAt: null,
    lastActivity: lastAt ? auditEntry({ timestamp: lastAt }) : null,
    ips,
    countries: [],
    userAgents: [],
    recordsRead: lastAt ? 1 : 0,
    truncated: false,
  } as TokenUsage;
}

const seen = (value: string, lastSeen: string, detail: string | null = null) => ({
  value,
  detail,
  firstSeen: lastSeen,
  lastSeen,
  records: 1,
});

describe('rotation evidence', () => {
  const started = '2026-12-03T10:00:00Z';

  it('says when and from where the old token was used after the rotation began', () => {
    const found = rotationEvidence(
      usage('2026-12-03T10:04:00Z', [
        seen('198.51.100.7', '2026-12-02T09:00:00Z'),
        seen('192.0.2.55', '2026-12-03T10:04:00Z', 'Germany, Hesse'),
      ]),
      started,
    );
    expect(found).toEqual({ kind: 'usedSince', at: '2026-12-03T10:04:00Z', from: '192.0.2.55 (Germany, Hesse)' });
  });

  it('says it was quiet when its last use is older than the rotation, or there is none', () => {
    expect(rotationEvidence(usage('2026-12-03T09:59:59Z'), started)).toEqual({ kind: 'quietSince' });
    expect(rotationEvidence(usage(null), started)).toEqual({ kind: 'quietSince' });
    expect(rotationEvidence(usage(null), 'not a time')).toEqual({ kind: 'unknown' });
  });
});
