import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
const documented = new Map<string, string>();
const lines = example.split('\n');
lines.forEach((line, i) => {
  const m = /^([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
  if (m) documented.set(m[1]!, m[2]!);
  void i;
});

/** Every variable any config section reads: config/, the actions' settings and each channel plugin's settings. */
function settingsInCode(): string[] {
  const src = new URL('../../src/', import.meta.url);
  const files = [
    ...readdirSync(new URL('config/', src)).map((f) => new URL(`config/${f}`, src)),
    new URL('actions/settings.ts', src),
    ...readdirSync(new URL('channels/', src), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(new URL(`channels/${d.name}/settings.ts`, src)))
      .map((d) => new URL(`channels/${d.name}/settings.ts`, src)),
  ];
  const names = new Set<string>();
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/^\s{4}([A-Z][A-Z0-9_]+):/gm)) names.add(m[1]!);
  }
  return [...names].sort();
}

describe('.env.example', () => {
  it('lists every setting the config reads, each under a comment', () => {
    const code = settingsInCode();
    expect(code.length).toBeGreaterThan(40);
    const missing = code.filter((n) => !documented.has(n));
    expect(missing).toEqual([]);
    for (const name of code) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`));
      let j = at - 1;
      while (j >= 0 && /^[A-Z][A-Z0-9_]+=/.test(lines[j]!)) j--;
      expect(lines[j]?.startsWith('#'), `${name} has a comment above it`).toBe(true);
    }
  });

  it('is itself a valid configuration (its values are the defaults)', () => {
    const env = Object.fromEntries(documented);
    expect(() => loadConfig(env)).not.toThrow();
    expect(loadConfig(env).demo).toBe(true);
  });
});
