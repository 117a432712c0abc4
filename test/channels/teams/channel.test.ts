import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/log.js';
import { createOutbox } from '../../../src/pipeline/outbox.js';
import { sampleAlert, sampleView } from './fixtures.js';
import { APP_ID, CHANNEL_ID, RESPONDER, SERVICE_URL, TEAM_ID, TENANT_ID, channelActivity, connector, nockBotToken } from '../../fakes/bot-framework.js';
import { withBot, type Bot } from './harness.js';

const path = (id: string, rest = '') => (uri: string) => decodeURIComponent(uri.split('?')[0]!) === `/emea/v3/conversations/${id}/activities${rest}`;
const cardOf = (body: any) => body?.attachments?.[0]?.content as Record<string, any>;

const install = () =>
  channelActivity({
    type: 'conversationUpdate',
    conversation: { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: CHANNEL_ID },
    membersAdded: [{ id: `28:${APP_ID}` }],
    channelData: { eventType: 'teamMemberAdded', team: { id: TEAM_ID, name: 'SecOps' }, channel: { id: CHANNEL_ID, name: 'security-alerts' }, tenant: { id: TENANT_ID } },
  });

describe('Teams proactive alert delivery', () => {
  let bot: Bot;
  withBot((b) => (bot = b));

  it('refuses to deliver before any channel is known, with a message saying how to fix it', async () => {
    await expect(bot.channel.deliver(sampleView(), undefined)).rejects.toThrow(/@Vigil subscribe/);
  });

  it('stores the conversation on install and subscribes it with "@Vigil subscribe"', async () => {
    expect((await bot.send(install())).status).toBe(200);
    expect(await bot.store.listTeamsConversationIds()).toEqual([CHANNEL_ID]);
    nockBotToken();
    let reply: any;
    const msg = channelActivity({
      text: '<at>Vigil</at>&nbsp;subscribe ',
      entities: [{ type: 'mention', text: '<at>Vigil</at>', mentioned: { id: `28:${APP_ID}`, name: 'Vigil' } }],
    });
    const scope = connector()
      .post(path(`${CHANNEL_ID};messageid=1699999999000`, `/${msg.id}`), (b) => ((reply = b), true))
      .reply(200, { id: 'r1' });
    expect((await bot.send(msg)).status).toBe(200);
    expect(scope.isDone()).toBe(true);
    expect(JSON.stringify(cardOf(reply))).toContain(`Channel id (for TEAMS_ALERT_CHANNEL): ${CHANNEL_ID}`);
    expect(await bot.store.getTeamsConversation(CHANNEL_ID, z.unknown())).toMatchObject({ subscribedBy: RESPONDER, channelName: 'security-alerts' });
  });

  it('the outbox posts a new alert and later updates the same message with the stored ids', async () => {
    const token = nockBotToken();
    const outbox = createOutbox({ store: bot.store, channels: [bot.channel], log: createLogger('silent'), dryRun: false });
    await bot.store.saveAlerts([sampleAlert({ id: 'al-deliver' })]);
    let posted: any;
    let auth = '';
    const post = connector()
      .post(path(CHANNEL_ID), (b) => ((posted = b), true))
      .matchHeader('authorization', (v) => ((auth = v), true))
      .reply(201, { id: '1700000000777' });
    expect(await outbox.drain()).toMatchObject({ delivered: 1, failed: 0 });
    expect(post.isDone()).toBe(true);
    void token; // MSAL's token may be cached from an earlier test; the header proves it is the nocked one
    expect(auth).toBe('Bearer bot-access-token-abcdef');
    expect(posted).toMatchObject({ type: 'message', summary: expect.stringContaining('impossible travel') });
    expect(cardOf(posted)).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(posted.conversation.id).toBe(CHANNEL_ID);
    const delivery = await bot.store.getDelivery('teams', 'al-deliver');
    expect(delivery?.ref).toEqual({ conversationId: CHANNEL_ID, activityId: '1700000000777' });

    // A responder acts; the alert revision bumps and the card is updated in place for everyone.
    await bot.store.saveActionOutcome({
      alertId: 'al-deliver', kind: 'suspend', status: 'done', message: 'accountEnabled=false', by: { platform: 'teams', id: RESPONDER, name: 'Alice Admin' },
      at: Date.UTC(2026, 10, 21, 14, 30), requestIds: [], warnings: [],
    });
    await bot.store.updateAlert('al-deliver', (a) => ({ ...a, status: 'actioned' }));
    let updated: any;
    const put = connector()
      .put(path(CHANNEL_ID, '/1700000000777'), (b) => ((updated = b), true))
      .reply(200, { id: '1700000000777' });
    expect(await outbox.drain()).toMatchObject({ delivered: 1, failed: 0 });
    expect(put.isDone()).toBe(true);
    expect(updated.id).toBe('1700000000777');
    expect(JSON.stringify(cardOf(updated))).toContain('User suspended by Alice Admin at 2026-11-21 14:30 UTC');
    expect(JSON.stringify(cardOf(updated))).not.toContain('"verb":"suspend"');
  });

  it('retries a 412 and a 429 (Retry-After) from the Bot Connector, then succeeds', async () => {
    nockBotToken();
    const sleepsBefore = bot.sleeps.length;
    const scope = connector()
      .post(path(CHANNEL_ID))
      .reply(412, { error: { code: 'PreconditionFailed', message: 'Precondition failed' } })
      .post(path(CHANNEL_ID))
      .reply(201, { id: '1700000000888' });
    const ref = await bot.channel.deliver(sampleView({}, { id: 'al-412' }), undefined);
    expect(scope.isDone()).toBe(true);
    expect(ref).toEqual({ conversationId: CHANNEL_ID, activityId: '1700000000888' });
    expect(bot.sleeps.length - sleepsBefore).toBe(1);

    const throttled = connector()
      .post(path(CHANNEL_ID))
      .times(4)
      .reply(429, { error: { code: 'ThrottledRequest', message: 'Too many requests' } }, { 'Retry-After': '0' })
      .post(path(CHANNEL_ID))
      .reply(201, { id: '1700000000999' });
    const ref2 = await bot.channel.deliver(sampleView({}, { id: 'al-429' }), undefined);
    expect(throttled.isDone()).toBe(true);
    expect(ref2.activityId).toBe('1700000000999');
    // The connector's HTTP pipeline retries 429 itself (3 times); our layer then honoured Retry-After: 0
    // (a backoff would have been >= 250 ms).
    expect(bot.sleeps.at(-1)).toBe(0);
  });

  it('posts a new card when the old message is gone (404 on update)', async () => {
    nockBotToken();
    const scope = connector()
      .put(path(CHANNEL_ID, '/1700000000111'))
      .reply(404, { error: { code: 'NotFound', message: 'Activity not found' } })
      .post(path(CHANNEL_ID))
      .reply(201, { id: '1700000000222' });
    const prev = { channel: 'teams', alertId: 'al-gone', revision: 1, ref: { conversationId: CHANNEL_ID, activityId: '1700000000111' }, attempts: 0 };
    const ref = await bot.channel.deliver(sampleView({}, { id: 'al-gone', revision: 2 }), prev);
    expect(scope.isDone()).toBe(true);
    expect(ref.activityId).toBe('1700000000222');
  });

  it('a 403 (bot removed, MessageWritesBlocked) fails the delivery and marks the channel inactive', async () => {
    nockBotToken();
    connector()
      .post(path(CHANNEL_ID))
      .reply(403, { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } });
    await expect(bot.channel.deliver(sampleView({}, { id: 'al-403' }), undefined)).rejects.toThrow(/HTTP 403/);
    expect(await bot.store.getTeamsConversation(CHANNEL_ID, z.unknown())).toMatchObject({ inactive: true });
    await expect(bot.channel.deliver(sampleView({}, { id: 'al-403' }), undefined)).rejects.toThrow(/no channel to post to/);
  });
});

describe('TEAMS_ALERT_CHANNEL by channel id', () => {
  let bot: Bot;
  withBot((b) => (bot = b), { env: { TEAMS_ALERT_CHANNEL: `${CHANNEL_ID};messageid=1699999999000` } });

  it('matches the stored channel by id (a thread suffix is ignored), even when another channel subscribed', async () => {
    expect((await bot.send(install())).status).toBe(200);
    const other = '19:0therchannel0000000000000000000@thread.tacv2';
    const otherInstall = install();
    otherInstall.conversation = { isGroup: true, conversationType: 'channel', tenantId: TENANT_ID, id: other };
    otherInstall.channelData = { team: { id: TEAM_ID }, channel: { id: other }, tenant: { id: TENANT_ID } };
    expect((await bot.send(otherInstall)).status).toBe(200);
    nockBotToken();
    const scope = connector().post(path(CHANNEL_ID)).reply(201, { id: '1700000000444' });
    expect(await bot.channel.deliver(sampleView(), undefined)).toEqual({ conversationId: CHANNEL_ID, activityId: '1700000000444' });
    expect(scope.isDone()).toBe(true);
  });
});

describe('Teams uninstall', () => {
  let bot: Bot;
  withBot((b) => (bot = b));

  it('removing the bot from the team deactivates the channel; installing again reactivates it', async () => {
    await bot.send(install());
    const removed = install();
    delete removed.membersAdded;
    removed.membersRemoved = [{ id: `28:${APP_ID}` }];
    (removed.channelData as Record<string, unknown>).eventType = 'teamMemberRemoved';
    expect((await bot.send(removed)).status).toBe(200);
    expect(await bot.store.getTeamsConversation(CHANNEL_ID, z.unknown())).toMatchObject({ inactive: true });
    await bot.send(install());
    expect(await bot.store.getTeamsConversation(CHANNEL_ID, z.unknown())).toMatchObject({ inactive: false });
  });
});

describe('TEAMS_ALERT_CHANNEL', () => {
  let bot: Bot;
  withBot((b) => (bot = b), { env: { TEAMS_ALERT_CHANNEL: 'security-alerts' } });

  it('posts to the named channel without a subscribe once the bot has seen it', async () => {
    await expect(bot.channel.deliver(sampleView(), undefined)).rejects.toThrow(/has not seen the channel TEAMS_ALERT_CHANNEL="security-alerts"/);
    expect((await bot.send(install())).status).toBe(200);
    nockBotToken();
    const scope = connector().post(path(CHANNEL_ID)).reply(201, { id: '1700000000333' });
    expect(await bot.channel.deliver(sampleView(), undefined)).toEqual({ conversationId: CHANNEL_ID, activityId: '1700000000333' });
    expect(scope.isDone()).toBe(true);
  });
});

describe('Teams reminders that escalate', () => {
  let bot: Bot;
  withBot((b) => (bot = b), { env: { TEAMS_ALERT_CHANNEL: 'security-alerts', TEAMS_ESCALATION_CHANNEL: CHANNEL_ID } });
  const T = Date.UTC(2026, 10, 21, 13, 0);
  const MIN = 60_000;
  const THREAD = `${CHANNEL_ID};messageid=1700000000444`;
  const prior = { channel: 'teams', alertId: 'al_impossible_travel_1', revision: 1, ref: { conversationId: CHANNEL_ID, activityId: '1700000000444' }, attempts: 0 };

  it('level 1 replies in the card thread, level 2 posts to the escalation channel, each once; none once someone owns it', async () => {
    expect((await bot.send(install())).status).toBe(200);
    nockBotToken();
    const texts: Array<[string, string]> = [];
    const record = (to: string) => (uri: string) => path(to)(uri);
    connector().put(path(CHANNEL_ID, '/1700000000444')).times(4).reply(200, { id: '1700000000444' });
    connector()
      .post(record(THREAD), (b) => (texts.push(['thread', b.text]), true))
      .times(3)
      .reply(201, { id: 'r1' });
    connector()
      .post(record(CHANNEL_ID), (b) => (texts.push(['escalation', b.text]), true))
      .times(2)
      .reply(201, { id: 'e1' });

    const reminded = sampleView({}, { createdAt: T, revision: 2, escalation: { level: 1, remindedAt: T + 15 * MIN } });
    const ref1 = await bot.channel.deliver(reminded, prior);
    expect(ref1).toMatchObject({ conversationId: CHANNEL_ID, activityId: '1700000000444', escalated: '1' });
    expect(texts).toEqual([['thread', expect.stringContaining('has not been acknowledged for 15 min')]]);

    const escalated = sampleView({}, { createdAt: T, revision: 3, escalation: { level: 2, remindedAt: T + 15 * MIN, escalatedAt: T + 30 * MIN } });
    const ref2 = await bot.channel.deliver(escalated, { ...prior, ref: ref1 });
    await bot.channel.deliver(escalated, { ...prior, ref: ref2 });
    expect(texts).toHaveLength(2);
    expect(texts[1]).toEqual(['escalation', expect.stringContaining('**Escalation**: the **high** alert')]);

    const owned = sampleView({}, { createdAt: T, revision: 4, status: 'acknowledged', owner: { who: { platform: 'teams', id: RESPONDER, name: 'Alice Admin' }, at: T + 31 * MIN }, escalation: escalated.alert.escalation });
    const ref3 = await bot.channel.deliver(owned, { ...prior, ref: ref2 });
    expect(texts.slice(2)).toEqual([['thread', expect.stringContaining('👤 **Acknowledged** by Alice Admin')]]);
    expect(ref3.ownerAt).toBe(String(T + 31 * MIN));
  });
});
