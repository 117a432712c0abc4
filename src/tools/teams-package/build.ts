import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';

/**
 * Build the Teams app package: manifests/teams/manifest.json with this deployment's ids and domain filled in,
 * plus the two icons the manifest names (color.png 192×192, outline.png 32×32, read from the template's folder:
 * replace them there to rebrand), zipped. Upload the zip in Teams (Apps → Manage your apps → Upload an app)
 * or the Teams admin center.
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
  /** Path of the manifest template; the icons are read from the same folder. */
  template?: string | URL;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const TEMPLATE_PATH = new URL('../../../manifests/teams/manifest.json', import.meta.url);

/** Sizes Teams requires (pixels, square). */
const ICON_SIZES = { color: 192, outline: 32 } as const;

/** A fixed timestamp for every entry, so the same inputs give the same bytes. */
const ZIP_MTIME = new Date('2026-01-01T00:00:00Z');

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

/** Read an icon the manifest names and check it is a PNG of the size Teams requires. */
export function readIcon(template: string | URL, name: string, kind: keyof typeof ICON_SIZES): Buffer {
  if (!/^[\w.-]+\.png$/.test(name)) throw new Error(`manifest icons.${kind} must be a .png file name beside manifest.json (got "${name}")`);
  const file = new URL(name, template instanceof URL ? template : pathToFileURL(resolve(template)));
  const data = readFileSync(file);
  const isPng = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const [w, h] = isPng && data.length >= 24 ? [data.readUInt32BE(16), data.readUInt32BE(20)] : [0, 0];
  const want = ICON_SIZES[kind];
  if (!isPng) throw new Error(`${file.pathname}: not a PNG file`);
  if (w !== want || h !== want) throw new Error(`${file.pathname}: Teams needs a ${want}×${want} ${kind} icon, this one is ${w}×${h}`);
  return data;
}

/** The zip bytes: manifest.json and the two icons it names. */
export function buildTeamsPackage(opts: PackageOptions): { manifest: Record<string, any>; zip: Buffer } {
  const manifest = buildManifest(opts);
  const template = opts.template ?? TEMPLATE_PATH;
  const entries: Record<string, Uint8Array> = {
    'manifest.json': Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`),
    [manifest.icons.color]: readIcon(template, manifest.icons.color, 'color'),
    [manifest.icons.outline]: readIcon(template, manifest.icons.outline, 'outline'),
  };
  const zip = zipSync(entries, { level: 9, mtime: ZIP_MTIME });
  return { manifest, zip: Buffer.from(zip) };
}
