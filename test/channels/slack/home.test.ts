import { afterEach, describe, expect, it } from 'vitest';
import { buildHome, loadHomeData, type StatusInfo } from '../../../src/chat-commands/index.js';
import { renderHomeView } from '../../../src/channels/slack/home-view.js';
import { createOutbox } from '../../../src/pipeline/outbox.js';
import { homeAlert } from '../../fixtures/home.js';
import { postSigned, silentLog } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';
import { manualClock, pump, type ManualClock } from './manual-clock.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const status = async (): Promise<StatusInfo> => ({ store: 'memory', integrations: [{ name: 'Slack', ok: true, detail: 'HTTP /slack/events' }] });
let events = 0;

/** An Events API `app_home_opened` callback as Slack sends it (JSON, signed), for `user` and `tab`. */
function homeOpened(user: string, tab: 'home' | 'messages' = 'home'): string {
  events++;
  return JSON.stringify({
    token: 'legacy',
    team_id: 'T0TEAM',
    api_app_id: 'A0APP',
    type: 'event_callback',
    event_id: `Ev0HOME${events}`,
    event_time: 1_700_000_000 + events,
    authorizations: [{ enterprise_id: null, team_id: 'T0TEAM', user_id: 'U0BOT', is_bot: true, is_enterprise_install: false }],
    event: {
      type: 'app_home_opened',
      user,
      channel: `D0${user.slice(2)}`,
      tab,
      event_ts: `1700000000.${String(events).padStart(6, '0')}`,
      ...(tab === 'home' ? { view: { id: 'V0OLD', type: 'home', blocks: [] } } : {}),
    },
  });
}

async function open(clock: ManualClock, user: string, tab: 'home' | 'messages' = 'home') {
  const res = await postSigned(h!.url, homeOpened(user, tab), { ts: Math.floor(clock.now() / 1000), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
}

/** Run the integration's paced publisher (waking its sleeps on the manual clock) until it owes nothing. */
async function settle(clock: ManualClock) {
  let idle = false;
  void h!.integration.home.idle().then(() => (idle = true));
  await pump(clock, () => idle);
}

const publishes = () => h!.slack.calls.filter((c) => c.method === 'views.publish');
const shown = (user: string) => JSON.stringify(h!.slack.homes.get(user) ?? {});

async function start(clock: ManualClock, env: Record<string, string> = {}) {
  h = await startHarness({ clock, status, env: { SLACK_HOME_REFRESH_SECONDS: '5', ...env } });
  const outbox = createOutbox({ store: h.store, channels: [h.integration.channel], log: silentLog, dryRun: false, now: clock.now });
  return outbox;
}

describe('Slack App Home tab', () => {
  it('app_home_opened publishes the responder\'s home: open alerts, theirs first, counts, sweep, health', async () => {
    const clock = manualClock();
    await start(clock);
    await h!.store.saveAlerts([
      homeAlert('mallory', { severity: 'critical', lastSeen: clock.now() - 60_000 }),
      homeAlert('trent', { status: 'acknowledged', lastSeen: clock.now() - 120_000, owner: { who: { platform: 'slack', id: 'U0ALICE', name: 'alice' }, at: clock.now() - 60_000 } }),
      homeAlert('walter', { status: 'dismissed', lastSeen: clock.now() - 3_600_000 }),
    ]);
    await h!.store.saveLastSweep({ startedAt: clock.now() - 2000, finishedAt: clock.now() - 1000, events: 9, alerts: 0, skipped: 0, ok: true });
    await open(clock, 'U0ALICE');
    await settle(clock);
    expect(publishes().map((c) => [c.status, c.body.user_id])).toEqual([[200, 'U0ALICE']]);
    const view = h!.slack.homes.get('U0ALICE')!;
    expect(view).toMatchObject({ type: 'home', callback_id: 'vigil_home' });
    expect(view.blocks.filter((b: { block_id?: string }) => b.block_id?.startsWith('home:')).map((b: { block_id: string }) => b.block_id)).toEqual(['home:trent', 'home:mallory']);
    expect(shown('U0ALICE')).toContain('*2 open* (1 acknowledged) · *1 yours*');
    expect(shown('U0ALICE')).toContain('last sweep 1 s ago: 9 events');
    expect(shown('U0ALICE')).toContain('Slack: HTTP /slack/events');
    // The same content the pure builder gives for this store and moment.
    expect(view.blocks).toEqual(renderHomeView(buildHome(await loadHomeData({ store: h!.store, status }), { platform: 'slack', id: 'U0ALICE' }, clock.now())).blocks);
  });

  it('a non-responder gets the "not a responder" view, no alert data, and no live updates', async () => {
    const clock = manualClock();
    const outbox = await start(clock);
    await h!.store.saveAlerts([homeAlert('mallory', { lastSeen: clock.now() })]);
    await open(clock, 'U0CAROL');
    await settle(clock);
    expect(shown('U0CAROL')).toContain('You are not a Vigil responder');
    expect(shown('U0CAROL')).not.toContain('mallory');
    await h!.store.updateAlert('mallory', (a) => ({ ...a, title: 'changed' }));
    await outbox.drain();
    await settle(clock);
    expect(publishes()).toHaveLength(1);
  });

  it('the Messages tab and a malformed event publish nothing', async () => {
    const clock = manualClock();
    await start(clock);
    await open(clock, 'U0ALICE', 'messages');
    await open(clock, 'not-a-user-id');
    await settle(clock);
    expect(publishes()).toEqual([]);
  });

  it('after the outbox delivers a change, recent viewers get a fresh view', async () => {
    const clock = manualClock();
    const outbox = await start(clock);
    await h!.store.saveAlerts([homeAlert('mallory', { lastSeen: clock.now() })]);
    await outbox.drain();
    await open(clock, 'U0ALICE');
    await settle(clock);
    await h!.store.updateAlert('mallory', (a) => ({ ...a, status: 'acknowledged', owner: { who: { platform: 'slack', id: 'U0BOB', name: 'bob' }, at: clock.now() } }));
    await outbox.drain();
    await settle(clock);
    expect(publishes().map((c) => c.body.user_id)).toEqual(['U0ALICE', 'U0ALICE']);
    expect(shown('U0ALICE')).toContain('Acknowledged by <@U0BOB>');
    // A viewer older than a day is forgotten: no refresh for them.
    clock.sleep(25 * 3_600_000);
    clock.fire();
    await h!.store.updateAlert('mallory', (a) => ({ ...a, title: 'later' }));
    await outbox.drain();
    await settle(clock);
    expect(publishes()).toHaveLength(2);
  });
});

describe('App Home publish under a 429 storm', () => {
  it('paces (nothing before Retry-After), coalesces (far fewer publishes than changes) and ends on the latest state', async () => {
    const clock = manualClock();
    const outbox = await start(clock);
    await h!.store.saveAlerts([homeAlert('storm', { lastSeen: clock.now() }), homeAlert('calm', { severity: 'low', lastSeen: clock.now() })]);
    await outbox.drain();
    await open(clock, 'U0ALICE');
    await open(clock, 'U0BOB');
    await settle(clock);
    expect(publishes().map((c) => c.status)).toEqual([200, 200]);

    // Slack now answers views.publish with 429 + Retry-After: 3 s for the next 6 calls.
    h!.slack.rateLimit('views.publish', 6, 3);
    const CHANGES = 40;
    for (let i = 1; i <= CHANGES; i++) {
      await h!.store.updateAlert('storm', (a) => ({ ...a, title: `storm change ${i}` }));
      await outbox.drain();
      if (i % 4 === 0) clock.fire(); // time passes during the storm: a wait of the publisher ends now and then
      await new Promise((r) => setTimeout(r, 2));
    }
    // Alice takes the alert at the very end: her view must show it as hers.
    await h!.store.updateAlert('storm', (a) => ({ ...a, status: 'acknowledged', owner: { who: { platform: 'slack', id: 'U0ALICE', name: 'alice' }, at: clock.now() } }));
    await outbox.drain();
    await settle(clock);

    const calls = publishes().slice(2);
    const limited = calls.filter((c) => c.status === 429);
    expect(limited).toHaveLength(6);
    // Paced: after each 429, the next views.publish came no sooner than its Retry-After.
    calls.forEach((c, i) => {
      if (c.status === 429 && calls[i + 1]) expect(calls[i + 1]!.at - c.at).toBeGreaterThanOrEqual(3000);
    });
    // Coalesced: 41 changes for 2 viewers (82 refreshes asked for) took a handful of successful publishes.
    const ok = calls.filter((c) => c.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(ok.length).toBeLessThanOrEqual(10);
    // Per user, successful refreshes at least SLACK_HOME_REFRESH_SECONDS apart.
    for (const user of ['U0ALICE', 'U0BOB']) {
      const times = ok.filter((c) => c.body.user_id === user).map((c) => c.at);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(5000);
    }
    // The latest state won: each viewer's last published view is the home of the store as it is now.
    const data = await loadHomeData({ store: h!.store, status });
    for (const user of ['U0ALICE', 'U0BOB']) {
      const last = [...ok].reverse().find((c) => c.body.user_id === user)!;
      expect(shown(user)).toContain('storm change 40');
      expect(shown(user)).not.toContain('storm change 39');
      expect(last.body.view.blocks.slice(3)).toEqual(renderHomeView(buildHome(data, { platform: 'slack', id: user }, last.at)).blocks.slice(3));
    }
    expect(shown('U0ALICE')).toContain('Acknowledged by you');
    expect(shown('U0BOB')).toContain('Acknowledged by <@U0ALICE>');
  });
});
