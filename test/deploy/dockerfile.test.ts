import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandArgs, parseDockerfile, readDockerfile } from '../../scripts/deploy/dockerfile.js';
import { dockerfileViolations } from './docker-rules.js';

const df = readDockerfile();
const runtime = df.stages[df.stages.length - 1]!;
const root = new URL('../../', import.meta.url);
const mutate = (from: string | RegExp, to: string) => {
  const text = df.text.replace(from, to);
  expect(text).not.toBe(df.text);
  return parseDockerfile(text);
};

describe('Dockerfile', () => {
  it('passes dockerfile-utils lint and every image rule', () => {
    expect(dockerfileViolations(df)).toEqual([]);
  });

  it('each rule fires on a Dockerfile that breaks it', () => {
    expect(dockerfileViolations(mutate(/^USER node$/m, 'USER root'))).toContain('the runtime stage runs as root (USER missing or root)');
    expect(dockerfileViolations(mutate(/ && npm prune --omit=dev --no-audit --no-fund/, ''))).toContain(
      'dev dependencies are not removed (npm prune --omit=dev or npm ci --omit=dev)',
    );
    expect(dockerfileViolations(mutate(/ENTRYPOINT \[.*\]/, 'ENTRYPOINT node bin/vigil.js'))).toContain(
      'ENTRYPOINT is not the exec form starting node (signals would go to a shell)',
    );
    expect(dockerfileViolations(mutate(/VOLUME \["\/data"\]/, 'VOLUME ["/srv"]'))).toEqual([
      'the embedded store (sqlite:///data/vigil.sqlite) is not on a VOLUME',
    ]);
    expect(dockerfileViolations(mutate(/\/healthz/, '/metrics'))).toContain('HEALTHCHECK is not an exec-form CMD probing /healthz');
    expect(dockerfileViolations(mutate(/^FROM .* AS runtime$/m, 'FROM node:20 AS runtime\nFROM'))[0]).toMatch(/^lint: /);
  });

  it('builds on the Node version package.json asks for, in both stages', () => {
    const engines = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } }).engines.node;
    const [major, minor] = engines.replace('>=', '').split('.').map(Number);
    const images = df.stages.map((s) => expandArgs(s.image, df.args));
    for (const img of images) {
      const [m, n] = img.replace(/^node:/, '').split(/[.-]/).map(Number);
      expect(img).toMatch(/^node:\d+\.\d+-bookworm/);
      expect(m! > major! || (m === major && n! >= minor!)).toBe(true);
    }
    expect(images[1]).toMatch(/-slim$/);
  });

  it('copies only files that exist and that .dockerignore lets through, and never .env', () => {
    const ignore = readFileSync(new URL('.dockerignore', root), 'utf8').split('\n').map((l) => l.trim());
    expect(ignore).toEqual(expect.arrayContaining(['*', '.env', '**/*.sqlite*']));
    for (const stage of df.stages) {
      for (const step of stage.steps) {
        if (step.kind !== 'copy' || step.copy.from) continue;
        for (const src of step.copy.sources) {
          expect(existsSync(new URL(src, root)), src).toBe(true);
          expect(ignore.includes(`!${src}`) || ignore.includes(`!${src}/`), `${src} is let through .dockerignore`).toBe(true);
        }
      }
    }
    expect(existsSync(new URL(runtime.entrypoint!.exec![2]!, root))).toBe(true);
  });
});

describe('the HEALTHCHECK command, run for real', () => {
  let server: Server;
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? status : 404).end('{}'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const run = async () => {
    const [cmd, ...args] = runtime.healthcheck!.exec!;
    const port = String((server.address() as { port: number }).port);
    return promisify(execFile)(cmd!, args, { env: { ...process.env, PORT: port }, timeout: 10_000 }).then(
      () => 0,
      (e: { code?: number }) => e.code ?? -1,
    );
  };

  it('exits 0 when /healthz answers 200 and 1 when it answers 503', async () => {
    status = 200;
    expect(await run()).toBe(0);
    status = 503;
    expect(await run()).toBe(1);
  });
});
