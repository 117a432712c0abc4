import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHome } from '../../../src/chat-commands/index.js';
import { renderHomeCard } from '../../../src/channels/teams/home-card.js';
import { expectGolden } from '../../fixtures/golden.js';
import { HOME_NOW, homeAlert, homeFixture } from '../../fixtures/home.js';
import { OUTSIDER, RESPONDER, TENANT_ID, channelActivity, connector, nockBotToken } from '../../fakes/bot-framework.js';
import { TeamsCard } from './card-schema.js';
import { adaptiveCardProblems } from './fixtures.js';
import { startBot } from './harness.js';

const golden = (name: string, value: unknown) => expectGolden(new URL('./golden/', import.meta.url), name, value);
const valid = (card: unknown) => {
  expect(adaptiveCardProblems(card)).toEqual([]);
  expect(TeamsCard.safeParse(card).success).toBe(true);
};

describe('Teams home card', () => {
  it('matches the golden home (alice on Teams: her alert first) and is a valid Adaptive Card 1.5', () => {
    const card = renderHomeCard(buildHome(homeFixture(), { platform: 'teams', id: 'aad-alice' }, HOME_NOW));
    golden('home', card);
    valid(card);
    const text = JSON.stringify(card);
    expect(text.indexOf('peggy')).toBeLessThan(text.indexOf('mallory'));
    expect(text).toContain('acknowledged by you since');
    // Markdown links and emphasis runs from outside are broken, not rendered.
    expect(text).not.toContain('[click](https');
  });

  it('a full home (many alerts and detections, long hostile strings) stays valid and under the size limit', () => {
    const data = homeFixture();
    data.open = Array.from({ length: 60 }, (_, i) => homeAlert(`a${i}`, { title: `${'**[x](https://evil.example)** '.repeat(300)}${i}` }));
    data.index = Array.from({ length: 500 }, (_, i) => ({ id: `i${i}`, lastSeen: HOME_NOW - i * 3_600_000, detection: `policy:${'d'.repeat(300)}${i % 30}`, status: 'open' }));
    const card = renderHomeCard(buildHome(data, { platform: 'teams', id: 'aad-alice' }, HOME_NOW));
    valid(card);
    expect(JSON.stringify(card)).toContain('…and 485 more');
  });
});

describe('Teams "home" to the bot (real adapter, reply through the nocked Bot Connector)', () => {
  let bot: Awaited<ReturnType<typeof startBot>>;
  beforeAll(async () => {
    bot = await startBot();
    const now = Date.now();
    await bot.store.saveAlerts([
      homeAlert('mallory', { severity: 'critical', lastSeen: now - 60_000 }),
      homeAlert('trent', { status: 'acknowledged', lastSeen: now - 120_000, owner: { who: { platform: 'teams', id: RESPONDER, name: 'Alice Admin' }, at: now - 60_000 } }),
      homeAlert('walter', { status: 'dismissed', lastSeen: now - 3_600_000 }),
    ]);
  });
  afterAll(async () => bot.close());

  const personal = { id: 'a:1personal-chat-id', conversationType: 'personal', tenantId: TENANT_ID };

  async function say(text: string, over: Record<string, unknown> = {}) {
    nockBotToken();
    const msg = channelActivity({ text, entities: [], conversation: personal, channelData: { tenant: { id: TENANT_ID } }, ...over });
    const conv = (msg.conversation as { id: string }).id;
    let reply: any;
    const scope = connector()
      .post((uri) => decodeURIComponent(uri.split('?')[0]!) === `/emea/v3/conversations/${conv}/activities/${msg.id}`, (b) => ((reply = b), true))
      .reply(200, { id: 'reply-1' });
    expect((await bot.send(msg)).status).toBe(200);
    expect(scope.isDone()).toBe(true);
    const card = reply.attachments[0].content;
    valid(card);
    return JSON.stringify(card);
  }

  it('a responder gets their home in a personal chat: open alerts, theirs first, counts, health', async () => {
    const card = await say('home');
    expect(card).toContain('Vigil: open alerts');
    expect(card).toContain('**2 open** (1 acknowledged) · **1 yours**');
    expect(card.indexOf('trent@example.com')).toBeLessThan(card.indexOf('mallory@example.com'));
    expect(card).not.toContain('walter@example.com');
    expect(card).toContain('acknowledged by you since');
    expect(card).toContain('anonymous-ip');
    expect(card).toContain('no sweep has run yet');
    expect(card).toContain('Teams');
  });

  it('a non-responder is refused and sees no alert', async () => {
    const card = await say('home', { from: { id: '29:mallory', name: 'Mallory', aadObjectId: OUTSIDER } });
    expect(card).toContain('Only Vigil responders can use this command');
    expect(card).not.toContain('mallory@example.com');
  });

  it('in a channel, "home" points to the personal chat instead of showing "yours" to everyone', async () => {
    nockBotToken();
    const msg = channelActivity({ text: '<at>Vigil</at> home', entities: [{ type: 'mention', text: '<at>Vigil</at>', mentioned: { id: (channelActivity().recipient as { id: string }).id, name: 'Vigil' } }] });
    let reply: any;
    connector()
      .post(() => true, (b) => ((reply = b), true))
      .reply(200, { id: 'reply-2' });
    expect((await bot.send(msg)).status).toBe(200);
    const card = JSON.stringify(reply.attachments[0].content);
    expect(card).toContain('Home is personal');
    expect(card).not.toContain('mallory@example.com');
  });
});
