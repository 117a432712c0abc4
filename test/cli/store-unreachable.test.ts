import { mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryKV } from '../../src/store/kv.js';
import { openStoreWithin, redactStoreUrl, storeAddress } from '../../src/runtime/store-open.js';
import { runVigil } from '../helpers/cli.js';
import { freePort } from '../helpers/servers.js';

// `vigil serve` with a store that cannot be reached: it stops after VIGIL_STORE_CONNECT_TIMEOUT with a message
// naming the URL without its password and a non-zero exit code, instead of hanging (Redis reconnects for ever)
// or failing on the first refusal. The CLI runs from dist/ in a clean environment, as an operator runs it.

function serve(env: Record<string, string>) {
  return runVigil(['serve'], {
    cwd: mkdtempSync(join(tmpdir(), 'vigil-store-')),
    env: {
      LOG_LEVEL: 'silent',
      PORT: '0',
      // Credentials set, so this is not the demo (which runs on a memory store); nothing is swept before the store.
      ATLASSIAN_ORG_ID: 'org-1',
      ATLASSIAN_API_KEY: 'not-a-real-key',
      ATLASSIAN_API_BASE_URL: 'http://127.0.0.1:9',
      VIGIL_STORE_CONNECT_TIMEOUT: '1500ms',
      ...env,
    },
  });
}

/** A TCP server that accepts connections and never says a word (a firewall that black-holes, a wrong service). */
const silent: { server?: Server; sockets: Socket[] } = { sockets: [] };
afterAll(async () => {
  for (const s of silent.sockets) s.destroy();
  await new Promise((r) => (silent.server ? silent.server.close(r) : r(undefined)));
});

describe('vigil serve with a store that cannot be reached', () => {
  it('redis:// on a closed port: stops with the URL and the cause, exit code 1', async () => {
    const port = await freePort();
    const r = await serve({ VIGIL_STORE_URL: `redis://:redis-secret-pw@127.0.0.1:${port}/0` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`vigil serve failed: the store at redis://:***@127.0.0.1:${port}/0 could not be reached within 1500 ms`);
    expect(r.stderr).toContain(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(r.stderr).toContain('VIGIL_STORE_CONNECT_TIMEOUT');
    expect(`${r.stdout}${r.stderr}`).not.toContain('redis-secret-pw');
  }, 60_000);

  it('postgresql:// on a closed port: the same, with the password hidden', async () => {
    const port = await freePort();
    const r = await serve({ VIGIL_STORE_URL: `postgresql://vigil:pg-secret-pw@127.0.0.1:${port}/vigil` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the store at postgresql://vigil:***@127.0.0.1:${port}/vigil could not be reached within 1500 ms`);
    expect(`${r.stdout}${r.stderr}`).not.toContain('pg-secret-pw');
  }, 60_000);

  it('redis:// on a port that accepts but never answers: stops at the deadline instead of hanging', async () => {
    silent.server = createServer((s) => void silent.sockets.push(s));
    await new Promise<void>((r) => silent.server!.listen(0, '127.0.0.1', r));
    const port = (silent.server.address() as { port: number }).port;
    const r = await serve({ VIGIL_STORE_URL: `redis://127.0.0.1:${port}` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the store at redis://127.0.0.1:${port} could not be reached within 1500 ms`);
  }, 60_000);

  it('a bad VIGIL_STORE_CONNECT_TIMEOUT is a settings error (exit 2) naming the variable', async () => {
    const r = await serve({ VIGIL_STORE_URL: 'redis://127.0.0.1:1', VIGIL_STORE_CONNECT_TIMEOUT: 'soon' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_STORE_CONNECT_TIMEOUT/);
  }, 60_000);
});

describe('openStoreWithin', () => {
  it('waits for a store server that comes up during the wait', async () => {
    const port = await freePort();
    const late = createServer((s) => s.end());
    const starting = setTimeout(() => late.listen(port, '127.0.0.1'), 300);
    const opened: string[] = [];
    try {
      const kv = await openStoreWithin(`redis://127.0.0.1:${port}`, {
        timeoutMs: 20_000,
        retryEveryMs: 100,
        open: async (url) => {
          opened.push(url);
          return createMemoryKV();
        },
      });
      expect(kv.kind).toBe('memory');
      // The store client is started only once the port answers.
      expect(opened).toEqual([`redis://127.0.0.1:${port}`]);
    } finally {
      clearTimeout(starting);
      await new Promise((r) => late.close(r));
    }
  });

  it('retries an open that fails and reports its last error', async () => {
    let calls = 0;
    const err = await openStoreWithin('sqlite:///nonexistent/dir/x.sqlite', {
      timeoutMs: 400,
      retryEveryMs: 50,
      open: async () => {
        calls++;
        throw new Error(`SQLITE_CANTOPEN attempt ${calls}`);
      },
    }).catch((e: Error) => e);
    expect(calls).toBeGreaterThan(1);
    expect((err as Error).message).toContain(`last error: SQLITE_CANTOPEN attempt ${calls}`);
  });

  it('probes TCP addresses of Redis stores only, and hides passwords', () => {
    expect(storeAddress('redis://h:1/0')).toEqual({ host: 'h', port: 1 });
    expect(storeAddress('rediss://cache.example')).toEqual({ host: 'cache.example', port: 6379 });
    expect(storeAddress('redis://[::1]:6380')).toEqual({ host: '::1', port: 6380 });
    expect(storeAddress('postgresql://u:p@db/db')).toBeUndefined();
    expect(storeAddress('sqlite://./data/vigil.sqlite')).toBeUndefined();
    expect(storeAddress('memory://')).toBeUndefined();
    expect(redactStoreUrl('postgres://u:p%40ss@db:5432/v?sslmode=require&password=x')).toBe('postgres://u:***@db:5432/v?…');
    expect(redactStoreUrl('redis://cache:6379/0')).toBe('redis://cache:6379/0');
  });
});
