import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp, closeServer } from '../../src/runtime/server.js';
import { checkWebhookAuth, registerAtlassianWebhook } from '../../src/sources/webhook.js';
import { rawEvent } from '../fakes/atlassian.js';
import { TOR_IP, makePipeline, tempSqliteUrl } from '../helpers/pipeline.js';

const SECRET = 'webhook-secret-0123456789abcdef';
let server: Server;
let base: string;
let ctx: Awaited<ReturnType<typeof makePipeline>>;

async function start(secret: string | null = SECRET, maxBytes = 64 * 1024) {
  ctx = await makePipeline(tempSqliteUrl());
  const app = createHttpApp();
  registerAtlassianWebhook(app, { secret: secret ?? undefined, maxBytes, pipeline: ctx.pipeline, log: ctx.log });
  await new Promise<void>((r) => {
    server = app.listen(0, '127.0.0.1', () => r());
  });
  const a = server.address();
  base = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/webhooks/atlassian`;
}
const json = async (r: Response): Promise<any> => r.json();
const post = (body: string, auth: string | null = `Bearer ${SECRET}`) =>
  fetch(base, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body });

beforeEach(() => start());
afterEach(async () => {
  await closeServer(server);
  await ctx.store.close();
});

const ev = (id: string, ip = TOR_IP) => rawEvent({ id, time: Date.UTC(2026, 10, 1, 10), ip });

describe('POST /webhooks/atlassian', () => {
  it('accepts a single event, an array and a {data:[...]} page, through the same pipeline', async () => {
    let r = await post(JSON.stringify(ev('w1')));
    expect(r.status).toBe(202);
    expect(await json(r)).toMatchObject({ accepted: 1, duplicates: 0, alerts: 1 });
    r = await post(JSON.stringify([ev('w2', '203.0.113.9'), ev('w3', '203.0.113.9')]));
    expect(await json(r)).toMatchObject({ accepted: 2 });
    r = await post(JSON.stringify({ data: [ev('w4', '203.0.113.9')] }));
    expect(await json(r)).toMatchObject({ accepted: 1 });
    const cp = await ctx.store.getCheckpoint('org-1');
    expect((await ctx.store.seenAmong('org-1', ['w1', 'w2', 'w3', 'w4', 'w5'])).sort()).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(cp!.cursor).toBeUndefined(); // streamed events never move the polling position
    expect(cp!.watermark).toBeUndefined();
  });

  it('dedupes on event id: a redelivered batch raises nothing new', async () => {
    const body = JSON.stringify([ev('d1'), ev('d2')]);
    expect(await json(await post(body))).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await json(await post(body))).toMatchObject({ accepted: 0, duplicates: 2, alerts: 0 });
    const [entry] = await ctx.store.listAlertIndex();
    expect((await ctx.store.getAlert(entry!.id))?.count).toBe(2);
  });

  it('refuses missing and wrong credentials with 401 and processes nothing', async () => {
    for (const auth of [null, 'Bearer nope', `Bearer ${SECRET}x`, SECRET.slice(1)]) {
      const r = await post(JSON.stringify(ev('x1')), auth);
      expect(r.status).toBe(401);
      expect((await json(r)).error).toMatch(/Authorization/);
    }
    expect(await ctx.store.getCheckpoint('org-1')).toBeUndefined();
    expect(ctx.lines.filter((l) => l.msg === 'webhook request rejected').every((l) => !JSON.stringify(l).includes(SECRET))).toBe(true);
  });

  it('accepts the secret as a bare value or as the Basic password (Atlassian webhook form)', async () => {
    expect((await post(JSON.stringify(ev('b1')), SECRET)).status).toBe(202);
    const basic = `Basic ${Buffer.from(`vigil:${SECRET}`).toString('base64')}`;
    expect((await post(JSON.stringify(ev('b2')), basic)).status).toBe(202);
    expect(checkWebhookAuth(`Basic ${Buffer.from('vigil:other').toString('base64')}`, SECRET)).toBe(false);
  });

  it('answers bad bodies with 400 and a reason', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{not json', /not valid JSON/],
      ['', /empty body/],
      ['"just a string"', /must be an audit event/],
      ['{"data":"nope"}', /must be an audit event/],
      [JSON.stringify([{ id: 'm1', attributes: { time: 'bad', action: 'x' } }]), /no valid audit event/],
    ];
    for (const [body, reason] of cases) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expect((await json(r)).error).toMatch(reason);
    }
  });

  it('keeps the valid events of a mixed batch and lists the rejected ones', async () => {
    const r = await post(JSON.stringify([ev('ok1'), { id: 'bad1', attributes: { action: 'x' } }]));
    expect(r.status).toBe(202);
    const body = await json(r);
    expect(body.accepted).toBe(1);
    expect(body.rejected).toEqual([{ index: 1, id: 'bad1', reason: expect.stringMatching(/attributes\.time/) }]);
  });

  it('limits the body size with 413', async () => {
    const big = JSON.stringify(Array.from({ length: 400 }, (_, i) => ev(`big${i}`)));
    const r = await post(big);
    expect(r.status).toBe(413);
    expect((await json(r)).error).toMatch(/larger than 65536 bytes/);
  });

  it('is disabled with a clear 503 when no secret is configured', async () => {
    await closeServer(server);
    await ctx.store.close();
    await start(null);
    const r = await post(JSON.stringify(ev('n1')));
    expect(r.status).toBe(503);
    expect((await json(r)).error).toMatch(/VIGIL_WEBHOOK_SECRET/);
  });
});
