import { readFileSync } from 'node:fs';

/** Vigil's version (package.json, read once) and the Node.js running it: `vigil --version` and vigil_build_info. */
export interface BuildInfo {
  version: string;
  node: string;
}

let cached: BuildInfo | undefined;

export function buildInfo(): BuildInfo {
  if (!cached) {
    // src/runtime/ and dist/runtime/ are both two levels below the package root.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    cached = { version: typeof pkg.version === 'string' ? pkg.version : 'unknown', node: process.version };
  }
  return cached;
}
