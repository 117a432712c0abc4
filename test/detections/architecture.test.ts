import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const core = [...files(path.join(ROOT, 'src/detections')), ...files(path.join(ROOT, 'src/domain'))];
const importsOf = (src: string) => [...src.matchAll(/(?:^|\n)\s*(?:import|export)[^'";]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);

describe('architecture: the detection core is pure', () => {
  it('finds the core files', () => {
    expect(core.length).toBeGreaterThan(15);
  });

  it.each(core.map((f) => [path.relative(ROOT, f), f]))('%s imports nothing outside the core but zod', (_rel, file) => {
    const src = readFileSync(file, 'utf8');
    for (const spec of importsOf(src)) {
      if (spec === 'zod') continue;
      expect(spec.startsWith('.'), `${spec} is not a relative import`).toBe(true);
      const target = path.resolve(path.dirname(file), spec);
      const inside = ['src/detections', 'src/domain'].some((d) => target.startsWith(path.join(ROOT, d) + path.sep));
      expect(inside, `${spec} leaves the core`).toBe(true);
    }
    expect(src).not.toMatch(/\brequire\(|\bimport\(/);
  });

  it.each(core.map((f) => [path.relative(ROOT, f), f]))('%s never reads the clock or randomness', (_rel, file) => {
    const src = readFileSync(file, 'utf8');
    expect(src).not.toMatch(/Date\.now\(|new Date\(\)|Math\.random\(|performance\.now\(|process\./);
  });

  it('the checker itself catches a violation', () => {
    expect(importsOf("import { readFile } from 'node:fs/promises';\nexport { x } from '../enrich/geo.js';")).toEqual(['node:fs/promises', '../enrich/geo.js']);
  });
});
