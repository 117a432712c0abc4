// The layer rule of src/, written once: every src unit (a folder, or a file at the root of src/) has a place in
// LAYERS, lowest first, and may import only units below it (and itself). Upward imports and folder cycles fail
// with the offending import named. ARCHITECTURE.md explains the layers; this list is the rule.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

export const LAYERS: readonly string[] = [
  'lib', // generic helpers (mutex, settings parsers): nothing of Vigil
  'domain', // types, zod schemas, pure rules (AlertView, AlertChannel, dismiss reasons)
  'log',
  'store', // typed state: alerts, outbox, deliveries, audit, locks
  'http', // outbound fetch with retries, inbound body limits and replay guard (on the store's locks)
  'detections', // the pure core
  'enrich',
  'render', // pictures for cards (the travel map PNG): pure, drawn from bundled data
  'sources', // Atlassian API, audit webhook, replay files
  'demo',
  'pipeline', // sweep → normalise → enrich → detect → outbox
  'actions', // Entra ID responses through Graph
  'chat-commands', // /vigil and Teams commands, channel-agnostic
  'report', // the weekly report: built from the store's alerts, outcomes and audit trails; terminal text
  'channels', // one plugin per folder + registry.ts
  'config', // every setting, channel settings from the registry
  'doctor',
  'runtime', // what `vigil serve` runs: delivery, sweeps, schedules, health, metrics
  'app', // the composition root
  'cli',
  'tools', // build tooling (Teams app package)
];

const ROOT = path.resolve(import.meta.dirname, '..');
const SRC = path.join(ROOT, 'src');

/** The unit of a path under src/: its first folder, or the file's name without extension at the root. */
export function unitOf(rel: string): string {
  const [first, ...rest] = rel.split('/');
  return rest.length > 0 ? first! : first!.replace(/\.(ts|js)$/, '');
}

/** Every relative import specifier of a source text (static, type-only, re-exports and dynamic). */
export function importsOf(source: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (let m = re.exec(source); m; m = re.exec(source)) out.push(m[1]!);
  return out;
}

/** The imports that break the rule, as `file → import (from → to)`. `files`: src-relative path → source. */
export function violations(files: ReadonlyMap<string, string>): string[] {
  const rank = new Map(LAYERS.map((u, i) => [u, i]));
  const out: string[] = [];
  for (const [file, source] of files) {
    const from = unitOf(file);
    for (const spec of importsOf(source)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
      if (target.startsWith('..')) continue; // outside src/ (never happens in src, kept for fixtures)
      const to = unitOf(target);
      if (from === to) continue;
      const a = rank.get(from);
      const b = rank.get(to);
      if (a === undefined || b === undefined) out.push(`${file} → ${spec} (${a === undefined ? from : to} has no place in LAYERS)`);
      else if (b > a) out.push(`${file} → ${spec} (${from} may not import ${to}: ${to} is a higher layer)`);
    }
  }
  return out;
}

function sources(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) for (const [k, v] of sources(p, base)) out.set(k, v);
    else if (name.endsWith('.ts')) out.set(path.relative(base, p).split(path.sep).join('/'), readFileSync(p, 'utf8'));
  }
  return out;
}

describe('the layer rule', () => {
  it('every src folder and root file has a place in LAYERS', () => {
    const units = new Set([...sources(SRC).keys()].map(unitOf));
    expect([...units].filter((u) => !LAYERS.includes(u)).sort()).toEqual([]);
  });

  it('no import in src/ goes to a higher layer (so no folder imports another in a loop)', () => {
    expect(violations(sources(SRC))).toEqual([]);
  });

  it('fails on an upward import and names it (fixture)', () => {
    const fixture = new Map([
      ['domain/alert.ts', "import type { Store } from '../store/store.js';\nexport const x = 1;"],
      ['channels/slack/blocks.ts', "import { liveActions } from '../../domain/index.js';\nexport { liveActions };"],
      ['pipeline/outbox.ts', "const lazy = () => import('../runtime/delivery.js');"],
      ['store/store.ts', "export { thing } from '../chat-commands/index.js';"],
    ]);
    expect(violations(fixture)).toEqual([
      'domain/alert.ts → ../store/store.js (domain may not import store: store is a higher layer)',
      'pipeline/outbox.ts → ../runtime/delivery.js (pipeline may not import runtime: runtime is a higher layer)',
      'store/store.ts → ../chat-commands/index.js (store may not import chat-commands: chat-commands is a higher layer)',
    ]);
  });

  it('an import into a folder that has no place in LAYERS fails too (fixture)', () => {
    expect(violations(new Map([['app.ts', "import { x } from './pagerduty-helpers/x.js';"]]))).toEqual([
      'app.ts → ./pagerduty-helpers/x.js (pagerduty-helpers has no place in LAYERS)',
    ]);
  });
});
