import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_IDS } from '../../src/detections/registry.js';
import { DEFAULT_POLICY_PACK } from '../../src/detections/policy-pack.js';
import { GUARD_DETECT_DETECTION } from '../../src/sources/guard-detect/alert.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The rows of README's "## Detections" table: first cell's `ids`, then the Guard Detect and Defender cells. */
function tableRows(): Array<{ ids: string[]; guardDetect: string; defender: string }> {
  const section = readme.split(/^## Detections$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) => {
      const cells = l.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, ''));
      return { ids: [...cells[0]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), guardDetect: cells[1] ?? '', defender: cells[2] ?? '' };
    });
}

describe("README's detection table", () => {
  it('has a row for every built-in detection, every default-pack policy and Guard Detect alerts, each with both equivalents', () => {
    const rows = tableRows();
    const listed = new Set(rows.flatMap((r) => r.ids));
    const all = [...BUILT_IN_IDS, ...DEFAULT_POLICY_PACK.map((p) => `policy:${p.name}`), GUARD_DETECT_DETECTION];
    const missing = all.filter((id) => !listed.has(id));
    expect(missing, 'add a README row: `id` | Guard Detect equivalent | Defender for Cloud Apps equivalent (— when none)').toEqual([]);
    for (const r of rows) {
      expect(r.guardDetect, r.ids.join()).not.toBe('');
      expect(r.defender, r.ids.join()).not.toBe('');
    }
  });
});
