import { z } from 'zod';
import { describe, expect, it, vi } from 'vitest';
import { sampleAlert } from './fixtures.js';
import { APP_ID, CHANNEL_ID, OUTSIDER, RESPONDER, SERVICE_URL, TEAM_ID, TENANT_ID, channelActivity, connector, nockBotToken, signJwt } from '../../fakes/bot-framework.js';
import { withBot, type Bot } from './harness.js';
import { TRIPS } from '../../render/trips.js';

/** Bot Connector REST path (the conversation id is URL-encoded on the wire); compared decoded. */
const convPath = (id: string, rest = '') => (uri: string) => decodeURIComponent(uri.split('?')[0]!) === `/emea/v3/conversations/${id}/activities${rest}`;

describe('Teams bot on a real CloudAdapter (loopback, JWT validated by the SDK)', () => {
  let bot: Bot;
  withBot((b) => (bot = b));

  it('accepts an activity with a valid JWT, remembers the conversation and replies through the Bot Connector', async () => {
    nockBotToken();
    let replyAuth = '';
    let replied: Record<string, any> | undefined;
    const msg = channelActivity({ text: '<at>Vigil</at> help', entities: [{ type: 'mention', text: '<at>Vigil</at>', mentioned: { id: `28:${APP_ID}`, name: 'Vigil' } }] });
    const reply = connector()
      .post(convPath(`${CHANNEL_ID};messageid=1699999999000`, `/${msg.id}`), (body) => {
        replied = body;
        return true;
      })
      .matchHeader('authorization', (v) => ((replyAuth = v), true))
      .reply(200, { id: '1700000009999' });
    const res = await bot.send(msg);
    expect(res.status).toBe(200);
    expect(reply.isDone()).toBe(true);
    expect(replyAuth).toBe('Bearer bot-access-token-abcdef');
    expect(replied?.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(replied?.attachments?.[0]?.content)).toContain('activity <email | @user> [7d]');
    const stored = await bot.store.getTeamsConversation(CHANNEL_ID, z.unknown());
    expect(stored).toMatchObject({ id: CHANNEL_ID, kind: 'channel', serviceUrl: SERVICE_URL, teamId: TEAM_ID, teamName: 'SecOps' });
  });

  it('refuses a request without a token (401) and handles nothing', async () => {
    const before = bot.actions.calls.length;
    const res = await bot.send(channelActivity({ id: 'no-token', text: 'status', conversation: { id: '19:other@thread.tacv2', conversationType: 'channel' } }), null);
    expect(res.status).toBe(401);
    expect(await bot.store.getTeamsConversation('19:other@thread.tacv2', z.unknown())).toBeUndefined();
    expect(bot.actions.calls.length).toBe(before);
  });

  it.each([
    ['signed by another key', async (b: Bot) => {
      const { generateKeyPairSync } = await import('node:crypto');
      const now = Math.floor(Date.now() / 1000);
      return signJwt({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: SERVICE_URL, nbf: now - 60, exp: now + 3600 }, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, b.openid.kid);
    }],
    ['for another bot (aud)', async (b: Bot) => b.openid.token({ aud: '99999999-2222-3333-4444-555555555555' })],
    ['for another serviceUrl', async (b: Bot) => b.openid.token({ serviceurl: 'https://evil.example/' })],
    ['expired', async (b: Bot) => b.openid.token({ exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 })],
    ['from another issuer', async (b: Bot) => b.openid.token({ iss: 'https://evil.example' })],
    ['garbage', async () => 'not.a.jwt'],
  ])('refuses a forged token (%s) with 401', async (_name, make) => {
    const token = await make(bot);
    const res = await bot.send(channelActivity({ text: 'status', conversation: { id: '19:forged@thread.tacv2', conversationType: 'channel', tenantId: TENANT_ID }, channelData: { tenant: { id: TENANT_ID } } }), token);
    expect(res.status).toBe(401);
    expect(await bot.store.getTeamsConversation('19:forged@thread.tacv2', z.unknown())).toBeUndefined();
  });
});

describe('Teams card actions (adaptiveCard/action invoke)', () => {
  let bot: Bot;
  withBot((b) => (bot = b));

  const invoke = (verb: string, data: Record<string, unknown>, from = RESPONDER, id = `inv-${Math.random()}`) =>
    channelActivity({
      type: 'invoke',
      name: 'adaptiveCard/action',
      id,
      replyToId: '1700000000555',
      from: { id: '29:someone', name: from === RESPONDER ? 'Alice Admin' : 'Mallory', aadObjectId: from },
      value: { action: { type: 'Action.Execute', id: '', verb, data: { vigil: 'alert-action', verb, ...data } }, trigger: 'manual' },
    });

  it('an unauthorised user gets a read-only card and causes no action call', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-unauth' })]);
    const res = await bot.send(invoke('suspend', { alertId: 'al-unauth', reason: 'looks bad' }, OUTSIDER));
    expect(res.status).toBe(200);
    expect(bot.actions.calls).toEqual([]);
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
    const card = JSON.stringify(res.body!.value);
    expect(card).toContain('You are not a Vigil responder');
    expect(card).not.toContain('"verb":"suspend"');
  });

  it('a user without an Entra object id is refused too', async () => {
    const a = invoke('notify', { alertId: 'al-unauth' });
    (a.from as Record<string, unknown>).aadObjectId = undefined;
    const res = await bot.send(a);
    expect(JSON.stringify(res.body)).toContain('You are not a Vigil responder');
    expect(bot.actions.calls).toEqual([]);
  });

  it('a responder suspends with a reason: one action, and the invoke answer is the refreshed card', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-suspend' })]);
    const res = await bot.send(invoke('suspend', { alertId: 'al-suspend', reason: 'not the user: confirmed by phone' }));
    expect(res.status).toBe(200);
    expect(bot.actions.calls).toHaveLength(1);
    expect(bot.actions.calls[0]).toMatchObject({
      alertId: 'al-suspend',
      kind: 'suspend',
      reason: 'not the user: confirmed by phone',
      // The Entra object id goes with the click: four-eyes recognises the same person on Slack by it.
      by: { platform: 'teams', id: RESPONDER, name: 'Alice Admin', entraId: RESPONDER },
    });
    expect(res.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: { type: 'AdaptiveCard', version: '1.5' } });
    const card = JSON.stringify(res.body!.value);
    expect(card).toContain('User suspended by Alice Admin');
    expect(card).toContain('"value":"Resolved"');
    expect(card).not.toContain('"verb":"suspend"');
    expect(bot.actionsDone).toContain('al-suspend');
  });

  it('acknowledge: a responder takes the alert (stored, audited), the answer is the card naming them; a non-responder is refused', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-ack' })]);
    const refused = await bot.send(invoke('acknowledge', { alertId: 'al-ack' }, OUTSIDER));
    expect(JSON.stringify(refused.body)).toContain('You are not a Vigil responder');
    expect((await bot.store.getAlert('al-ack'))!.owner).toBeUndefined();
    expect(await bot.store.listAudit('al-ack')).toEqual([]);

    const res = await bot.send(invoke('acknowledge', { alertId: 'al-ack' }));
    const alert = (await bot.store.getAlert('al-ack'))!;
    expect(alert).toMatchObject({ status: 'acknowledged', owner: { who: { platform: 'teams', id: RESPONDER, name: 'Alice Admin' } } });
    expect((await bot.store.listAudit('al-ack')).map((l) => [l.what, l.outcome])).toEqual([['acknowledge', 'done']]);
    const card = JSON.stringify(res.body!.value);
    expect(card).toContain('👤 **Acknowledged** by Alice Admin');
    expect(card).not.toContain('"verb":"acknowledge"');
    // Alice clicked, so Teams told us her name: Assign… now offers her by name.
    expect(card).toContain(`{"title":"Alice Admin","value":"${RESPONDER}"}`);
    expect(bot.actionsDone).toContain('al-ack');
  });

  it('assign: to a responder works; to someone who is not a responder (or not an id) is refused and changes nothing', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-assign' })]);
    const outsider = await bot.send(invoke('assign', { alertId: 'al-assign', assignee: OUTSIDER }));
    expect(JSON.stringify(outsider.body)).toContain('That person is not a Vigil responder (TEAMS_RESPONDERS)');
    const junk = await bot.send(invoke('assign', { alertId: 'al-assign', assignee: '<at>everyone</at>' }));
    expect(JSON.stringify(junk.body)).toContain('Pick the responder to assign this alert to.');
    expect((await bot.store.getAlert('al-assign'))!.owner).toBeUndefined();

    await bot.send(invoke('assign', { alertId: 'al-assign', assignee: RESPONDER.toUpperCase() }));
    const alert = (await bot.store.getAlert('al-assign'))!;
    expect(alert.owner).toMatchObject({ who: { platform: 'teams', id: RESPONDER }, assignedBy: { platform: 'teams', id: RESPONDER } });
  });

  it('the card a click returns carries the travel map, like the posted one', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-map', facts: TRIPS.tokyoLosAngeles.facts })]);
    const res = await bot.send(invoke('acknowledge', { alertId: 'al-map' }));
    const image = (res.body!.value as { body: Array<Record<string, unknown>> }).body.find((e) => e.type === 'Image');
    expect(image).toMatchObject({ url: expect.stringMatching(/^data:image\/png;base64,/) });
  });

  it('suspend without a reason is not executed', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-noreason' })]);
    const before = bot.actions.calls.length;
    const res = await bot.send(invoke('suspend', { alertId: 'al-noreason', reason: '   ' }));
    expect(bot.actions.calls.length).toBe(before);
    expect(JSON.stringify(res.body)).toContain('A reason is required');
  });

  it('a retried invoke (Teams retries slow invokes) causes one action; both answers carry the refreshed card', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-retry' })]);
    const before = bot.actions.calls.length;
    (bot.actions as unknown as { gate(): void }).gate();
    const first = bot.send(invoke('revoke', { alertId: 'al-retry' }, RESPONDER, 'inv-retry-1'));
    // The first invoke is inside the (blocked) action when Teams' retry arrives.
    await vi.waitFor(() => expect(bot.actions.calls.length - before).toBe(1));
    const second = bot.send(invoke('revoke', { alertId: 'al-retry' }, RESPONDER, 'inv-retry-1'));
    await new Promise((r) => setTimeout(r, 100)); // let the retry reach the handler (it must join, not execute)
    (bot.actions as unknown as { open(): void }).open();
    const [a, b] = await Promise.all([first, second]);
    expect(bot.actions.calls.length - before).toBe(1);
    expect(bot.actionsDone.filter((id) => id === 'al-retry')).toHaveLength(1);
    for (const r of [a, b]) expect(JSON.stringify(r.body!.value)).toContain('Sessions revoked (re-sign-in required) by Alice Admin');
    // A retry arriving after the answer gets the stored outcome, not a second execution.
    const third = await bot.send(invoke('revoke', { alertId: 'al-retry' }, RESPONDER, 'inv-retry-1'));
    expect(bot.actions.calls.length - before).toBe(1);
    expect(JSON.stringify(third.body!.value)).toContain('Sessions revoked');
  });

  it('dismiss carries the chosen reason and note', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-dismiss' })]);
    const res = await bot.send(invoke('dismiss', { alertId: 'al-dismiss', dismissReason: 'benign', reason: 'travelling' }));
    expect(bot.actions.calls.at(-1)).toMatchObject({ alertId: 'al-dismiss', kind: 'dismiss', reason: 'Expected activity (benign): travelling' });
    expect(JSON.stringify(res.body!.value)).toContain('"value":"Dismissed"');
  });

  it('bad invoke payloads get a clear 400 and no action', async () => {
    const before = bot.actions.calls.length;
    const res = await bot.send(channelActivity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'suspend', data: {} } } }));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest' } });
    const unknown = await bot.send(invoke('delete-everything', { alertId: 'al-dismiss' }));
    expect(unknown.status).toBe(400);
    const missing = await bot.send(invoke('notify', { alertId: 'al-gone' }));
    expect(missing.status).toBe(404);
    expect(bot.actions.calls.length).toBe(before);
  });

  it('refresh shows the current card to a responder and a read-only one to others, running nothing', async () => {
    const before = bot.actions.calls.length;
    await bot.store.saveAlerts([sampleAlert({ id: 'al-refresh' })]);
    const mine = await bot.send(invoke('refresh', { alertId: 'al-refresh' }));
    const theirs = await bot.send(invoke('refresh', { alertId: 'al-refresh' }, OUTSIDER));
    expect(JSON.stringify(mine.body!.value)).toContain('"verb":"suspend"');
    expect(JSON.stringify(theirs.body!.value)).not.toContain('"verb":"suspend"');
    expect(bot.actions.calls.length).toBe(before);
  });
});

describe('Teams card action slower than the invoke budget', () => {
  let bot: Bot;
  withBot((b) => (bot = b), { invokeBudgetMs: 50 });

  it('answers "working on it" with disabled buttons, finishes in the background, and signals completion', async () => {
    await bot.store.saveAlerts([sampleAlert({ id: 'al-slow' })]);
    (bot.actions as unknown as { gate(): void }).gate();
    const res = await bot.send(
      channelActivity({
        type: 'invoke',
        name: 'adaptiveCard/action',
        from: { id: '29:alice', name: 'Alice Admin', aadObjectId: RESPONDER },
        value: { action: { type: 'Action.Execute', verb: 'notify', data: { vigil: 'alert-action', alertId: 'al-slow', verb: 'notify' } } },
      }),
    );
    const card = JSON.stringify(res.body!.value);
    expect(card).toContain('Working on it');
    expect(card).toContain('"value":"In progress"');
    expect(card).toContain('"isEnabled":false');
    expect(bot.actionsDone).not.toContain('al-slow');
    (bot.actions as unknown as { open(): void }).open();
    await vi.waitFor(() => expect(bot.actionsDone).toContain('al-slow'));
    expect(await bot.store.getActionOutcome('al-slow', 'notify')).toMatchObject({ status: 'done' });
    expect(bot.actions.calls).toHaveLength(1);
  });
});

describe('/api/messages input handling', () => {
  let bot: Bot;
  withBot((b) => (bot = b));

  const post = (body: string) => fetch(bot.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${bot.openid.token()}` }, body });

  it('malformed JSON, a body without an activity type and an oversized body get a clear 4xx, not a stack trace', async () => {
    const bad = await post('{"type":');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'body is not valid JSON' });
    const untyped = await post('{"text":"hi"}');
    expect(untyped.status).toBe(400);
    expect(((await untyped.json()) as { error: string }).error).toMatch(/"type" is expected/);
    const big = await post(JSON.stringify({ type: 'message', text: 'x'.repeat(1_100_000) }));
    expect(big.status).toBe(413);
  });

  it('only POST is served', async () => {
    const res = await fetch(bot.url);
    expect(res.status).toBe(404);
  });
});
