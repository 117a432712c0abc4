import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildManifest, buildTeamsPackage, TEMPLATE_PATH } from '../../../src/tools/teams-package/build.js';
import { validateTeamsManifest } from '../../../src/tools/teams-package/validate.js';

const BOT = '11111111-2222-3333-4444-555555555555';

/** Decode a PNG (8-bit RGBA, filter-0 rows, as the committed icons are; checks every chunk CRC). */
function decodePng(buf: Buffer) {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let i = 8;
  const idat: Buffer[] = [];
  let width = 0;
  let height = 0;
  let colorType = -1;
  const types: string[] = [];
  while (i < buf.length) {
    const len = buf.readUInt32BE(i);
    const type = buf.toString('ascii', i + 4, i + 8);
    const data = buf.subarray(i + 8, i + 8 + len);
    expect(buf.readUInt32BE(i + 8 + len)).toBe(crc32(buf.subarray(i + 4, i + 8 + len)));
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      colorType = data[9]!;
      expect(data[8]).toBe(8);
    }
    if (type === 'IDAT') idat.push(data);
    i += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 4 + 1) * height);
  const pixel = (x: number, y: number) => [...raw.subarray(y * (width * 4 + 1) + 1 + x * 4, y * (width * 4 + 1) + 5 + x * 4)];
  return { width, height, colorType, pixel };
}

/** Read a ZIP through its central directory and inflate every entry (checks CRCs). */
function readZip(buf: Buffer): Map<string, Buffer> {
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    expect(buf.readUInt32LE(p)).toBe(0x02014b50);
    const crc = buf.readUInt32LE(p + 16);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    expect(buf.readUInt32LE(local)).toBe(0x04034b50);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = inflateRawSync(buf.subarray(start, start + size));
    expect(crc32(data)).toBe(crc);
    out.set(name, data);
    p += 46 + nameLen;
  }
  return out;
}

describe('Teams app manifest', () => {
  it('the template is valid against the official Teams schema of its version', async () => {
    const manifest = JSON.parse(readFileSync(TEMPLATE_PATH, 'utf8'));
    expect(manifest.manifestVersion).toBe('1.25');
    expect(await validateTeamsManifest(manifest)).toEqual([]);
    expect(manifest.bots[0].scopes).toEqual(['team', 'personal']);
    const titles = manifest.bots[0].commandLists.flatMap((l: { commands: Array<{ title: string }> }) => l.commands.map((c) => c.title));
    expect(new Set(titles)).toEqual(new Set(['subscribe', 'unsubscribe', 'alerts', 'activity', 'status', 'help', 'home']));
  });

  it('a built manifest carries the bot id, app id and domain, and stays valid', async () => {
    const m = buildManifest({ botId: BOT, publicUrl: 'https://vigil.acme.test:8443/base', version: '1.2.3' });
    expect(m).toMatchObject({ id: BOT, version: '1.2.3', validDomains: ['vigil.acme.test:8443'], bots: [{ botId: BOT }] });
    expect(m.developer.websiteUrl).toBe('https://vigil.acme.test:8443');
    expect(await validateTeamsManifest(m)).toEqual([]);
  });

  it('the schema check catches a bad bot id and an unknown scope', async () => {
    const m = buildManifest({ botId: BOT, publicUrl: 'https://vigil.acme.test' });
    m.bots[0].botId = 'not-a-guid';
    m.bots[0].scopes = ['team', 'everywhere'];
    const problems = (await validateTeamsManifest(m)).join('\n');
    expect(problems).toMatch(/\/bots\/0\/botId/);
    expect(problems).toMatch(/\/bots\/0\/scopes\/1/);
  });

  it('refuses bad inputs with a clear error', () => {
    expect(() => buildManifest({ botId: 'abc', publicUrl: 'https://x.test' })).toThrow(/MICROSOFT_APP_ID must be/);
    expect(() => buildManifest({ botId: BOT, publicUrl: 'http://x.test' })).toThrow(/https/);
    expect(() => buildManifest({ botId: BOT, publicUrl: 'nope' })).toThrow(/VIGIL_PUBLIC_URL must be a URL/);
  });
});

const committed = (name: string) => readFileSync(new URL(`../../../manifests/teams/${name}`, import.meta.url));

/** A copy of manifests/teams in a temporary folder, to rebrand or break. */
function templateCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-teams-'));
  for (const f of ['manifest.json', 'color.png', 'outline.png']) copyFileSync(new URL(`../../../manifests/teams/${f}`, import.meta.url), join(dir, f));
  return join(dir, 'manifest.json');
}

describe('Teams app icons and package', () => {
  it('committed color icon: 192×192 RGBA, opaque', () => {
    const png = decodePng(committed('color.png'));
    expect([png.width, png.height, png.colorType]).toEqual([192, 192, 6]);
    expect(png.pixel(0, 0)).toEqual([0x1f, 0x3a, 0x8a, 255]);
    expect(png.pixel(96, 150)).toEqual([255, 255, 255, 255]);
  });

  it('committed outline icon: 32×32, white on transparent', () => {
    const png = decodePng(committed('outline.png'));
    expect([png.width, png.height, png.colorType]).toEqual([32, 32, 6]);
    const alphas = new Set<number>();
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = png.pixel(x, y);
        expect([r, g, b]).toEqual([255, 255, 255]);
        alphas.add(a!);
      }
    expect(alphas.has(0)).toBe(true);
    expect(alphas.has(255)).toBe(true);
  });

  it('the zip holds the manifest and the committed icons byte for byte, readable and reproducible', async () => {
    const { zip, manifest } = buildTeamsPackage({ botId: BOT, publicUrl: 'https://vigil.acme.test' });
    const entries = readZip(zip);
    expect([...entries.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(JSON.parse(entries.get('manifest.json')!.toString('utf8'))).toEqual(manifest);
    expect(entries.get('color.png')).toEqual(committed('color.png'));
    expect(entries.get('outline.png')).toEqual(committed('outline.png'));
    expect(buildTeamsPackage({ botId: BOT, publicUrl: 'https://vigil.acme.test' }).zip).toEqual(zip);
    expect(await validateTeamsManifest(manifest)).toEqual([]);
  });

  it('rebranding: icons replaced beside the template go into the package', () => {
    const template = templateCopy();
    const outline = committed('outline.png');
    const rebranded = Buffer.concat([outline.subarray(0, outline.length - 12), Buffer.from('rebrand'), outline.subarray(outline.length - 12)]);
    writeFileSync(join(template, '..', 'outline.png'), rebranded); // same IHDR, extra bytes: stands for another picture
    const entries = readZip(buildTeamsPackage({ botId: BOT, publicUrl: 'https://vigil.acme.test', template }).zip);
    expect(entries.get('outline.png')).toEqual(rebranded);
  });

  it('refuses an icon Teams would reject, naming the file and the size it needs', () => {
    const template = templateCopy();
    writeFileSync(join(template, '..', 'color.png'), committed('outline.png'));
    expect(() => buildTeamsPackage({ botId: BOT, publicUrl: 'https://vigil.acme.test', template })).toThrow(/color\.png: Teams needs a 192×192 color icon, this one is 32×32/);
    writeFileSync(join(template, '..', 'color.png'), 'GIF89a');
    expect(() => buildTeamsPackage({ botId: BOT, publicUrl: 'https://vigil.acme.test', template })).toThrow(/color\.png: not a PNG file/);
  });
});
