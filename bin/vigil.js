#!/usr/bin/env -S node --max-semi-space-size=32
// Runs the compiled CLI (npm ci / npm install build it through the "prepare" script).
// The larger young generation (V8 default 16 MB) cuts garbage-collection time on replays and large sweeps,
// where nearly every allocation is short-lived: about 10-15% faster `vigil replay` (see npm run bench).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(dist)) {
  process.stderr.write('vigil: dist/ is missing; run "npm run build" (npm ci and npm install do it for you)\n');
  process.exit(2);
}
const { main } = await import(dist);
const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
