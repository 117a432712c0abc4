import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A real forward proxy on loopback that tunnels CONNECT to a local "upstream" server whatever host is asked for.
// Outbound calls are made in a child process (no nock there), configured the way the service configures itself,
// so this checks that HTTPS_PROXY really routes Vigil's traffic through the proxy.
let proxy: Server;
let upstream: Server;
let proxyUrl: string;
const tunnels: string[] = [];
const upstreamSaw: Array<{ url: string; host?: string; auth?: string }> = [];

const port = (s: Server) => {
  const a = s.address();
  return typeof a === 'object' && a ? a.port : 0;
};

beforeAll(async () => {
  upstream = createServer((req, res) => {
    upstreamSaw.push({ url: req.url ?? '', host: req.headers.host, auth: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ via: 'tunnel', data: [] }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
  proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client) => {
    tunnels.push(req.url ?? '');
    if ((req.url ?? '').endsWith(':443')) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n'); // no TLS upstream here
    const up = connect(port(upstream), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
  proxyUrl = `http://127.0.0.1:${port(proxy)}`;
});
afterAll(async () => {
  proxy.closeAllConnections();
  upstream.closeAllConnections();
  await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => upstream.close(r))]);
});

const script = `
import { configureHttp, fetchJson } from './src/http/fetch-json.ts';
configureHttp({ HTTPS_PROXY: process.env.HTTPS_PROXY, timeoutMs: 5000 });
const plain = await fetchJson('http://audit.vigil-proxy-test.invalid/admin/v1/orgs/o1/events-stream?limit=1', { service: 'Atlassian', headers: { authorization: 'Bearer k-123' }, retry: { maxRetries: 0 } });
console.log(JSON.stringify(plain.body));
const tls = await fetchJson('https://api.atlassian.com/admin/v1/orgs/o1/events-stream', { service: 'Atlassian', retry: { maxRetries: 0 } }).catch((e) => ({ error: e.message }));
console.log(JSON.stringify(tls));
// A library calling global fetch on its own (as Slack's WebClient does) is proxied too.
const lib = await fetch('http://slack.vigil-proxy-test.invalid/api/auth.test').then((r) => r.json());
console.log(JSON.stringify(lib));
`;

describe('outbound HTTP through HTTPS_PROXY', () => {
  it('tunnels every call through the proxy (CONNECT), for plain and TLS targets and for libraries using global fetch', async () => {
    // Asynchronous spawn: the proxy lives in this process and must keep answering while the child runs.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, HTTPS_PROXY: proxyUrl } });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    await new Promise((r) => child.on('exit', r));
    const [plain, tls, lib] = stdout.trim().split('\n');
    expect(JSON.parse(lib!)).toEqual({ via: 'tunnel', data: [] });
    expect(tunnels).toContain('slack.vigil-proxy-test.invalid:80');
    expect(JSON.parse(plain!)).toEqual({ via: 'tunnel', data: [] });
    expect(tunnels).toContain('audit.vigil-proxy-test.invalid:80');
    expect(upstreamSaw[0]).toEqual({ url: '/admin/v1/orgs/o1/events-stream?limit=1', host: 'audit.vigil-proxy-test.invalid', auth: 'Bearer k-123' });
    expect(tunnels).toContain('api.atlassian.com:443');
    expect(JSON.parse(tls!).error).toMatch(/Atlassian unreachable/);
  });
});
