import { afterEach, describe, expect, it } from 'vitest';
import { T0, sampleView } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const MIN = 60_000;
const CARD = { channel: 'C0ALERTS', ts: '1700000000.000001' };
/** The card already posted (2 events): its delivery record. */
function delivered(harness: Harness) {
  harness.slack.seed({ ...CARD, text: 'card' });
  return { channel: 'slack', alertId: 'al_travel_1', revision: 1, ref: { ...CARD, count: '2' }, attempts: 0, deliveredAt: 1 };
}
const reminded = { createdAt: T0, revision: 2, escalation: { level: 1 as const, remindedAt: T0 + 15 * MIN } };
const escalated = { createdAt: T0, revision: 3, escalation: { level: 2 as const, remindedAt: T0 + 15 * MIN, escalatedAt: T0 + 30 * MIN } };
const posts = () => h!.slack.of('chat.postMessage').map((m) => ({ channel: m.channel, thread: m.thread_ts, text: String(m.text) }));

describe('Slack: reminders that escalate', () => {
  it('level 1: the thread asks the responders (users and the group) once; a redraw does not ask again', async () => {
    h = await startHarness();
    const ref = await h.integration.channel.deliver(sampleView({}, reminded), delivered(h));
    expect(posts()).toEqual([
      { channel: 'C0ALERTS', thread: CARD.ts, text: expect.stringMatching(/^⏰ <@U0ALICE> <@U0BOB> <!subteam\^S0SECTEAM> this \*high\* alert has not been acknowledged for 15 min/) },
    ]);
    expect(ref.escalated).toBe('1');
    await h.integration.channel.deliver(sampleView({}, { ...reminded, revision: 3 }), { ...delivered(h), ref });
    expect(posts()).toHaveLength(1);
  });

  it('level 2 goes to SLACK_ESCALATION_CHANNEL with a link to the card, and the thread says where it went', async () => {
    h = await startHarness({ env: { SLACK_ESCALATION_CHANNEL: 'C0ONCALL' } });
    const first = await h.integration.channel.deliver(sampleView({}, reminded), delivered(h));
    await h.integration.channel.deliver(sampleView({}, escalated), { ...delivered(h), ref: first });
    const out = posts();
    expect(out).toHaveLength(3);
    expect(out[1]).toEqual({
      channel: 'C0ONCALL',
      thread: undefined,
      text: expect.stringContaining('*Escalation*: the *high* alert "alice@example.com: impossible travel Berlin → São Paulo" has not been acknowledged for 30 min. <https://example.slack.com/archives/C0ALERTS/p1700000000000001|Open the alert>'),
    });
    expect(out[2]).toEqual({ channel: 'C0ALERTS', thread: CARD.ts, text: '⏰ Escalated to <#C0ONCALL>.' });
  });

  it('without an escalation channel, level 2 is a second reminder in the thread', async () => {
    h = await startHarness();
    const ref = await h.integration.channel.deliver(sampleView({}, escalated), delivered(h));
    // Reached both levels before the card was redrawn (e.g. Vigil was down): the reminder, then the second one.
    expect(posts().map((p) => [p.channel, p.thread])).toEqual([
      ['C0ALERTS', CARD.ts],
      ['C0ALERTS', CARD.ts],
    ]);
    expect(posts()[1]!.text).toContain('has not been acknowledged for 30 min');
    expect(ref.escalated).toBe('2');
  });

  it('no reminder once someone owns the alert; the thread says who took it, once', async () => {
    h = await startHarness({ env: { SLACK_ESCALATION_CHANNEL: 'C0ONCALL' } });
    const owner = { who: { platform: 'slack' as const, id: 'U0BOB', name: 'bob' }, at: T0 + 29 * MIN };
    const ref = await h.integration.channel.deliver(sampleView({}, { ...escalated, status: 'acknowledged', owner }), delivered(h));
    expect(posts()).toEqual([{ channel: 'C0ALERTS', thread: CARD.ts, text: expect.stringMatching(/^👤 \*Acknowledged\* by <@U0BOB> since/) }]);
    await h.integration.channel.deliver(sampleView({}, { ...escalated, status: 'acknowledged', owner, revision: 4 }), { ...delivered(h), ref });
    expect(posts()).toHaveLength(1);
  });
});
