// .ci/run: fail unless every test file that needs a real server (redis-server, PostgreSQL) ran, and every test
// in it passed. Reads vitest's JSON report (the path given as the only argument).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { filesNeedingServers, SERVERS, type ServerName } from '../test/helpers/servers.js';

interface Report {
  testResults: Array<{ name: string; status: string; assertionResults: Array<{ status: string; fullName: string }> }>;
}

const root = path.resolve(import.meta.dirname, '..');
const report = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Report;
const byFile = new Map(report.testResults.map((r) => [path.relative(root, r.name), r]));
const problems: string[] = [];
const needed = filesNeedingServers(root);
for (const name of Object.keys(needed) as ServerName[]) {
  for (const file of needed[name]) {
    const r = byFile.get(file);
    const tests = r?.assertionResults ?? [];
    const notPassed = tests.filter((t) => t.status !== 'passed');
    if (!r || tests.length === 0) problems.push(`${file} (needs ${SERVERS[name].package}) did not run`);
    else if (notPassed.length > 0) problems.push(`${file} (needs ${SERVERS[name].package}): ${notPassed.length} of ${tests.length} tests ${[...new Set(notPassed.map((t) => t.status))].join('/')}`);
  }
}
const files = new Set(Object.values(needed).flat());
if (problems.length > 0) {
  process.stdout.write(`server-backed tests: FAILED\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`server-backed tests: all ${files.size} files ran and passed (${Object.entries(needed).map(([n, f]) => `${SERVERS[n as ServerName].package}: ${f.length}`).join(', ')})\n`);
