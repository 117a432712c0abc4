import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripBotMention } from '../../../src/channels/teams/messages.js';
import type { NormalizedEvent } from '../../../src/domain/index.js';
import { adaptiveCardProblems, sampleAlert } from './fixtures.js';
import { TeamsCard } from './card-schema.js';
import { APP_ID, CHANNEL_ID, OUTSIDER, RESPONDER, SERVICE_URL, TEAM_ID, TENANT_ID, channelActivity, connector, nockBotToken } from '../../fakes/bot-framework.js';
import { startBot } from './harness.js';

const BOT = `28:${APP_ID}`;

describe('stripBotMention', () => {
  const ent = (text: string | undefined, id = BOT, name = 'Vigil') => ({ type: 'mention', text, mentioned: { id, name } });
  it('removes the bot mention and normalises whitespace and &nbsp;', () => {
    expect(stripBotMention('<at>Vigil</at>&nbsp; status ', [ent('<at>Vigil</at>')], BOT)).toBe('status');
  });
  it('removes the mention when the entity has no text (names with &, botbuilder-js#2083)', () => {
    expect(stripBotMention('<at>Vigil &amp; Co</at> alerts all', [ent(undefined, BOT, 'Vigil & Co')], BOT, 'Vigil & Co')).toBe('alerts all');
  });
  it('removes a leading bot mention even without any entity', () => {
    expect(stripBotMention('<at>Security Bot</at> help', [], BOT)).toBe('help');
  });
  it('keeps other users\' mentions for the command to resolve', () => {
    const text = '<at>Vigil</at> activity <at>Jane Doe</at> 7d';
    expect(stripBotMention(text, [ent('<at>Vigil</at>'), ent('<at>Jane Doe</at>', '29:jane', 'Jane Doe')], BOT)).toBe('activity <at>Jane Doe</at> 7d');
  });
  it('leaves personal-chat text alone', () => {
    expect(stripBotMention('activity jdoe@example.com 7d', undefined, BOT)).toBe('activity jdoe@example.com 7d');
  });
});

describe('Teams bot commands (real adapter, replies through the nocked Bot Connector)', () => {
  let bot: Awaited<ReturnType<typeof startBot>>;
  beforeAll(async () => {
    bot = await startBot();
    const t = Date.now() - 3600_000;
    const ev = (id: string, action: string, country: string, ip: string): NormalizedEvent => ({
      id, time: t, processedAt: t, source: 'demo', action, actor: { id: 'acc-jane', email: 'jane@example.com', name: 'Jane Doe' },
      interactive: true, targets: [], location: { ip, countryName: country }, raw: {},
    });
    await bot.store.recordActivity([ev('e1', 'user_logged_in', 'Germany', '203.0.113.7'), ev('e2', 'user_logged_in', 'Brazil', '198.51.100.9')]);
    await bot.store.saveAlerts([sampleAlert({ id: 'al-cmd', actor: { id: 'acc-jane', email: 'jane@example.com', name: 'Jane Doe' }, lastSeen: t })]);
  });
  afterAll(async () => bot.close());

  /** Send a message and capture the reply card. */
  async function ask(text: string, over: Record<string, unknown> = {}, entities: unknown[] = [{ type: 'mention', text: '<at>Vigil</at>', mentioned: { id: BOT, name: 'Vigil' } }]) {
    nockBotToken();
    const msg = channelActivity({ text: `<at>Vigil</at> ${text}`, entities, ...over });
    const conv = ((msg.conversation as { id: string }).id);
    let reply: any;
    const scope = connector()
      .post((uri) => decodeURIComponent(uri.split('?')[0]!) === `/emea/v3/conversations/${conv}/activities/${msg.id}`, (b) => ((reply = b), true))
      .reply(200, { id: 'reply-1' });
    const res = await bot.send(msg);
    expect(res.status).toBe(200);
    expect(scope.isDone()).toBe(true);
    const card = reply.attachments[0].content;
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(TeamsCard.safeParse(card).success).toBe(true);
    return JSON.stringify(card);
  }

  it('activity <email> [7d] shows sign-ins by country and the open alerts', async () => {
    const card = await ask('activity jane@example.com 7d');
    expect(card).toContain('Activity: Jane Doe (jane@example.com)');
    expect(card).toContain('Germany');
    expect(card).toContain('Brazil');
    expect(card).toContain('impossible travel');
  });

  it('activity @user resolves the mentioned user through Teams, then looks them up', async () => {
    const member = connector()
      // In a team, TeamsInfo.getMember asks the team roster: GET v3/conversations/{teamId}/members/{userId}
      .get((uri) => decodeURIComponent(uri) === `/emea/v3/conversations/${TEAM_ID}/members/29:jane`)
      .reply(200, { id: '29:jane', name: 'Jane Doe', aadObjectId: 'ffffffff-1111-2222-3333-444444444444', email: 'jane@example.com', userPrincipalName: 'jane@example.com', tenantId: TENANT_ID });
    const card = await ask('activity <at>Jane Doe</at> 7d', {}, [
      { type: 'mention', text: '<at>Vigil</at>', mentioned: { id: BOT, name: 'Vigil' } },
      { type: 'mention', text: '<at>Jane Doe</at>', mentioned: { id: '29:jane', name: 'Jane Doe' } },
    ]);
    expect(member.isDone()).toBe(true);
    expect(card).toContain('Activity: Jane Doe (jane@example.com)');
  });

  it('alerts lists open alerts; status shows the service status', async () => {
    expect(await ask('alerts')).toContain('Open alerts (1)');
    const status = await ask('status');
    expect(status).toContain('Vigil status');
    expect(status).toContain('no sweep has run yet');
  });

  it('unknown input gets the usage', async () => {
    const card = await ask('supend everyone');
    expect(card).toContain('Unknown command');
    expect(card).toContain('alerts [open | all | mine]');
  });

  it('a non-responder gets help but no data', async () => {
    const card = await ask('activity jane@example.com', { from: { id: '29:mallory', name: 'Mallory', aadObjectId: OUTSIDER } });
    expect(card).toContain('Only Vigil responders can use this command');
    expect(card).not.toContain('Germany');
  });

  it('works in personal chat without a mention', async () => {
    const card = await ask('', { text: 'alerts all', conversation: { id: 'a:1personal-chat-id', conversationType: 'personal', tenantId: TENANT_ID }, channelData: { tenant: { id: TENANT_ID } } }, []);
    expect(card).toContain('Alerts (1)');
  });

  it('the Action.Submit fallback (old clients) runs the action and updates the card in place', async () => {
    nockBotToken();
    await bot.store.saveAlerts([sampleAlert({ id: 'al-submit' })]);
    const msg = channelActivity({ text: undefined, replyToId: '1700000000444', value: { vigil: 'alert-action', alertId: 'al-submit', verb: 'notify' } });
    let updated: any;
    const put = connector()
      .put((uri) => decodeURIComponent(uri) === `/emea/v3/conversations/${CHANNEL_ID};messageid=1699999999000/activities/1700000000444`, (b) => ((updated = b), true))
      .reply(200, { id: '1700000000444' });
    expect((await bot.send(msg)).status).toBe(200);
    expect(put.isDone()).toBe(true);
    expect(bot.actions.calls.map((c) => [c.alertId, c.kind, c.by.id])).toEqual([['al-submit', 'notify', RESPONDER]]);
    expect(JSON.stringify(updated.attachments[0].content)).toContain('User notified by Alice Admin');
  });
});
