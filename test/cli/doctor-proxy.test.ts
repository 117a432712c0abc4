import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `vigil doctor` behind a strict forward proxy on loopback: every CONNECT is logged, Microsoft's hosts are
// refused with 403, nothing else is reachable (this machine has no route out). The CLI runs as a child
// process from dist/ (no nock there), exactly as an operator runs it.
let proxy: Server;
let proxyUrl: string;
const connects: string[] = [];
const REFUSED = /(^|\.)(microsoftonline\.com|botframework\.com)(:\d+)?$/;

beforeAll(async () => {
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client) => {
    const target = req.url ?? '';
    connects.push(target);
    client.end(REFUSED.test(target) ? 'HTTP/1.1 403 Forbidden\r\n\r\n' : 'HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => proxy.close(() => r())));

function doctor(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bin = new URL('../../bin/vigil.js', import.meta.url).pathname;
  // A clean environment (no .env: cwd is an empty directory) with only what this test sets.
  const child = spawn(process.execPath, [bin, 'doctor', '--json'], {
    cwd: mkdtempSync(join(tmpdir(), 'vigil-doctor-')),
    env: { PATH: process.env.PATH ?? '', VIGIL_STORE_URL: 'memory://', LOG_LEVEL: 'silent', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('vigil doctor behind a proxy that refuses the Microsoft hosts', () => {
  it('checks Teams through the proxy and reports it failing with the proxy refusal as the reason', async () => {
    const r = await doctor({
      HTTPS_PROXY: proxyUrl,
      MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
      MICROSOFT_APP_PASSWORD: 'bot-secret-value-not-real',
      MICROSOFT_APP_TENANT_ID: '66666666-7777-8888-9999-000000000000',
      TEAMS_RESPONDERS: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    });
    expect(r.code, r.stderr).toBe(1);
    const rows = JSON.parse(r.stdout) as Array<{ group: string; check: string; status: string; detail: string; fix?: string }>;
    const teams = rows.find((row) => row.group === 'teams')!;
    expect(teams.status).toBe('fail');
    expect(teams.detail).toMatch(/the proxy \(HTTPS_PROXY\) refused the tunnel to login\.microsoftonline\.com:443 \(HTTP 403\)/);
    expect(teams.fix).toMatch(/Your proxy refuses this host/);
    expect(connects).toContain('login.microsoftonline.com:443');
    // The inbound token keys are fetched through the same proxy, and its refusal is the reason given.
    const keys = rows.find((row) => row.check === 'Teams inbound token keys')!;
    expect(keys.status).toBe('fail');
    expect(keys.detail).toMatch(/the proxy \(HTTPS_PROXY\) refused the tunnel to login\.botframework\.com:443 \(HTTP 403\)/);
    expect(keys.fix).toMatch(/Allow login\.botframework\.com through the proxy/);
    expect(connects).toContain('login.botframework.com:443');
    expect(`${r.stdout}${r.stderr}`).not.toContain('bot-secret-value-not-real');
  }, 60_000);

  it('without HTTPS_PROXY the same check goes direct and names the DNS failure instead', async () => {
    const before = connects.length;
    const r = await doctor({
      MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555',
      MICROSOFT_APP_PASSWORD: 'bot-secret-value-not-real',
      MICROSOFT_APP_TENANT_ID: '66666666-7777-8888-9999-000000000000',
      TEAMS_RESPONDERS: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
      // An address that cannot resolve anywhere, so the test does not depend on this machine's DNS.
      TEAMS_LOGIN_URL: 'https://login.vigil-test.invalid/66666666-7777-8888-9999-000000000000',
    });
    const teams = (JSON.parse(r.stdout) as Array<{ group: string; status: string; detail: string }>).find((row) => row.group === 'teams')!;
    expect(teams.status).toBe('fail');
    expect(teams.detail).toMatch(/DNS lookup failed for login\.vigil-test\.invalid/);
    expect(connects.length).toBe(before);
  }, 60_000);
});
