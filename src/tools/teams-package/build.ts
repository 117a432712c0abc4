import { readFileSync } from 'node:fs';
import { colorIcon, outlineIcon } from './icons.js';
import { createZip } from './zip.js';

/**
 * Build the Teams app package: manifests/teams/manifest.json with this deployment's ids and domain filled in,
 * plus the two icons, zipped. Upload the zip in Teams (Apps → Manage your apps → Upload an app) or the
 * Teams admin center.
 */
export interface PackageOptions {
  /** MICROSOFT_APP_ID: the Azure Bot's app (client) id. */
  botId: string;
  /** The Teams app id (a GUID); defaults to the bot id. */
  teamsAppId?: string;
  /** VIGIL_PUBLIC_URL: its host becomes validDomains and the developer URLs. */
  publicUrl: string;
  /** App version (semver, e.g. from package.json). */
  version?: string;
  /** Path of the manifest template. */
  template?: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const TEMPLATE_PATH = new URL('../../../manifests/teams/manifest.json', import.meta.url);

export function buildManifest(opts: PackageOptions): Record<string, any> {
  if (!GUID.test(opts.botId)) throw new Error('MICROSOFT_APP_ID must be the bot app (client) id, a GUID');
  const appId = opts.teamsAppId ?? opts.botId;
  if (!GUID.test(appId)) throw new Error('TEAMS_APP_ID must be a GUID');
  let url: URL;
  try {
    url = new URL(opts.publicUrl);
  } catch {
    throw new Error(`VIGIL_PUBLIC_URL must be a URL such as https://vigil.example.com (got "${opts.publicUrl}")`);
  }
  if (url.protocol !== 'https:') throw new Error('VIGIL_PUBLIC_URL must use https: Teams only talks to https endpoints');
  const manifest = JSON.parse(readFileSync(opts.template ?? TEMPLATE_PATH, 'utf8')) as Record<string, any>;
  const base = `${url.origin}`;
  manifest.id = appId;
  if (opts.version) manifest.version = opts.version;
  manifest.bots[0].botId = opts.botId;
  manifest.developer = { ...manifest.developer, websiteUrl: base, privacyUrl: `${base}/privacy`, termsOfUseUrl: `${base}/terms` };
  manifest.validDomains = [url.host];
  return manifest;
}

/** The zip bytes: manifest.json, color.png (192×192), outline.png (32×32). */
export function buildTeamsPackage(opts: PackageOptions): { manifest: Record<string, any>; zip: Buffer } {
  const manifest = buildManifest(opts);
  const zip = createZip([
    { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: manifest.icons.color as string, data: colorIcon() },
    { name: manifest.icons.outline as string, data: outlineIcon() },
  ]);
  return { manifest, zip };
}
