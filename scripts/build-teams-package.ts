/**
 * Build the Microsoft Teams app package for this deployment.
 *
 *   MICROSOFT_APP_ID=<bot app id> VIGIL_PUBLIC_URL=https://vigil.example.com npx tsx scripts/build-teams-package.ts [out.zip]
 *
 * Reads .env when present. Optional: TEAMS_APP_ID (defaults to the bot id). Validates the manifest against the
 * official schema before writing the zip (default: dist/teams/vigil-teams-app.zip).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildTeamsPackage } from '../src/tools/teams-package/build.js';
import { validateTeamsManifest } from '../src/tools/teams-package/validate.js';

if (existsSync('.env')) process.loadEnvFile('.env');
const out = resolve(process.argv[2] ?? 'dist/teams/vigil-teams-app.zip');
const botId = process.env.MICROSOFT_APP_ID ?? '';
const publicUrl = process.env.VIGIL_PUBLIC_URL ?? '';
if (!botId || !publicUrl) {
  console.error('Set MICROSOFT_APP_ID (the Azure Bot app id) and VIGIL_PUBLIC_URL (https://your-vigil-host) first.');
  process.exit(2);
}
const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
try {
  const { manifest, zip } = buildTeamsPackage({ botId, teamsAppId: process.env.TEAMS_APP_ID || undefined, publicUrl, version });
  const problems = await validateTeamsManifest(manifest);
  if (problems.length > 0) {
    console.error(`The manifest does not match the Teams schema v${manifest.manifestVersion}:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  console.log(`Wrote ${out} (${zip.length} bytes): manifest v${manifest.manifestVersion}, app ${manifest.id}, bot ${botId}, domain ${manifest.validDomains.join(', ')}`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
