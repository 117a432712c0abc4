import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { registerBotRoute } from '../../../src/channels/teams/adapter.js';
import { DEFAULT_CHAT_LIMITS } from '../../../src/http/body-gate.js';
import { createLogger, routeConsoleToLogger } from '../../../src/log.js';
import { closeServer, createHttpApp, listen } from '../../../src/runtime/server.js';
import { TENANT_ID, channelActivity } from '../../fakes/bot-framework.js';

// botbuilder's CloudAdapter.process answers a failed request with the error's own message as the body
// (`end(500, err.message)`) and prints the raw error with console.error. Behind a broken network that text is
// "getaddrinfo ENOTFOUND login.botframework.com". Vigil's route holds the adapter's answer back: the caller
// gets a plain error, the text goes to the (scrubbed) log, and library console output becomes log lines.

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const dest = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, log: createLogger('info', dest as never) };
}

/** An adapter that fails the way CloudAdapter.process does (status + message body), or answers normally. */
function adapterThat(kind: 'fails' | 'throws' | 'answers') {
  return {
    preAuthenticate: async () => undefined,
    process: async (_req: unknown, res: { status(n: number): unknown; send(b: unknown): unknown; end(): unknown; header(n: string, v: string): unknown }) => {
      if (kind === 'throws') throw new Error('request to https://login.botframework.com/v1/.well-known/keys failed, reason: getaddrinfo ENOTFOUND login.botframework.com');
      if (kind === 'fails') {
        res.status(500);
        res.send('getaddrinfo ENOTFOUND login.microsoftonline.com\n    at GetAddrInfoReqWrap.onlookup (node:dns:109:26)');
      } else {
        res.header('x-invoke', 'yes');
        res.status(200);
        res.send({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'ok' });
      }
      res.end();
    },
  };
}

const servers: Array<Parameters<typeof closeServer>[0]> = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await closeServer(s);
});

async function post(kind: 'fails' | 'throws' | 'answers') {
  const { lines, log } = capture();
  const app = createHttpApp();
  registerBotRoute(app, adapterThat(kind) as never, {} as never, log, { limits: DEFAULT_CHAT_LIMITS, tenants: new Set([TENANT_ID]) });
  const server = await listen(app, '127.0.0.1', 0, createLogger('silent'));
  servers.push(server);
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`, {
    method: 'POST',
    headers: { authorization: 'Bearer header.payload.signature', 'content-type': 'application/json' },
    body: JSON.stringify(channelActivity({ text: 'help' })),
  });
  return { status: res.status, header: res.headers.get('x-invoke'), body: await res.text(), lines };
}

describe('Teams route: SDK failures never reach the caller as internal text', () => {
  it('a 500 with the internal message from the adapter becomes a plain error; the message is logged', async () => {
    const r = await post('fails');
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body)).toEqual({ error: 'internal error' });
    expect(r.lines.find((l) => l.msg === 'Teams request failed')?.err).toMatch(/ENOTFOUND login\.microsoftonline\.com/);
  });

  it('an adapter that throws: the same', async () => {
    const r = await post('throws');
    expect(r.status).toBe(500);
    expect(r.body).not.toMatch(/ENOTFOUND|botframework/);
  });

  it('a normal answer (an invoke response) passes unchanged, headers included', async () => {
    const r = await post('answers');
    expect(r.status).toBe(200);
    expect(r.header).toBe('yes');
    expect(JSON.parse(r.body)).toEqual({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'ok' });
  });
});

describe('library console output', () => {
  it('console.error and console.warn become one log line each, without stack frames', () => {
    const saved = { error: console.error, warn: console.warn };
    const { lines, log } = capture();
    try {
      routeConsoleToLogger(log);
      const err = Object.assign(new Error('getaddrinfo ENOTFOUND login.botframework.com'), { code: 'ENOTFOUND' });
      console.error(err);
      console.warn('BadRequest: Missing activity or activity type.');
    } finally {
      Object.assign(console, saved);
    }
    expect(lines.map((l) => [l.level, l.lib])).toEqual([
      [50, 'Error ENOTFOUND: getaddrinfo ENOTFOUND login.botframework.com'],
      [40, 'BadRequest: Missing activity or activity type.'],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/\n\s+at /);
  });
});
