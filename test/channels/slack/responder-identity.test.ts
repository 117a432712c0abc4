import { WebClient } from '@slack/web-api';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { createEmailLookup } from '../../../src/channels/slack/emails.js';
import { createSlackSender } from '../../../src/channels/slack/sender.js';
import { captureLogger } from '../../helpers/pipeline.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { BOT_TOKEN, blockAction, interactivity, outcome, postSigned, sampleAlert, suspendSubmission } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

/** Issue 14 #6, the Slack half: a Suspend click names the clicker as a person (their email) for four-eyes. */
let h: Harness | undefined;
let fake: FakeSlack | undefined;
afterEach(async () => {
  await h?.close();
  await fake?.close();
  h = undefined;
  fake = undefined;
});

const CARD = { channel: 'C0ALERTS', ts: '1700000000.000001' };

async function seed(harness: Harness) {
  const alert = sampleAlert();
  await harness.store.saveAlerts([alert]);
  await harness.store.saveDelivery({ channel: 'slack', alertId: alert.id, revision: 1, ref: CARD, attempts: 0, deliveredAt: 1 });
  harness.slack.seed({ ...CARD, text: alert.title });
  return alert;
}

/** Press Suspend on the card, then submit the modal Vigil opened. */
async function suspendAs(harness: Harness, user: string) {
  await postSigned(harness.url, interactivity(blockAction({ user, actionId: ACTION.suspend, value: 'al_travel_1', ...CARD })));
  const meta = harness.slack.of('views.open').at(-1)!.view.private_metadata as string;
  await postSigned(harness.url, suspendSubmission(meta, { user }));
}

describe('Slack responders as people', () => {
  it('a suspension carries the clicker\'s email from users.info (cached); other actions look nothing up', async () => {
    // Pending approval, so the second submission reaches the actions service again.
    h = await startHarness({ emails: { U0ALICE: 'alice@contoso.com' }, answer: (req) => outcome(req.kind, 'pending-approval', { by: req.by, at: req.requestedAt, alertId: req.alertId }) });
    await seed(h);
    await postSigned(h.url, interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.revoke, value: 'al_travel_1', ...CARD })));
    expect(h.slack.of('users.info')).toEqual([]);
    expect(h.actions.calls[0]!.by).toEqual({ platform: 'slack', id: 'U0ALICE', name: 'u0alice' });

    await suspendAs(h, 'U0ALICE');
    await suspendAs(h, 'U0ALICE');
    const suspends = h.actions.calls.filter((c) => c.kind === 'suspend');
    expect(suspends.map((c) => c.by)).toEqual(Array(2).fill({ platform: 'slack', id: 'U0ALICE', name: 'alice', email: 'alice@contoso.com' }));
    expect(h.slack.of('users.info')).toEqual([expect.objectContaining({ user: 'U0ALICE' })]);
  });

  it('no email (users.info refused): the suspension still runs, without an email to match across platforms', async () => {
    h = await startHarness(); // the fake knows no emails: users.info answers user_not_found
    await seed(h);
    await suspendAs(h, 'U0BOB');
    expect(h.actions.calls.map((c) => c.by)).toEqual([{ platform: 'slack', id: 'U0BOB', name: 'bob' }]);
  });
});

describe('createEmailLookup', () => {
  async function lookup(user: Record<string, unknown>) {
    fake = await startFakeSlack({ token: BOT_TOKEN });
    fake.handlers['users.info'] = (b) => ({ ok: true, user: { id: b.user, ...user } });
    const { log, lines } = captureLogger();
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: `${fake.url}/`, retryConfig: { retries: 0 } });
    let t = 0;
    const emailOf = createEmailLookup({ client, sender: createSlackSender({ client, log, minIntervalMs: 0 }), log, now: () => t, ttlMs: 1000 });
    return { emailOf, lines, advance: (ms: number) => (t += ms) };
  }

  it('a profile without email (scope not granted) or with a malformed one gives no email, logged once per lookup', async () => {
    const { emailOf, lines } = await lookup({ profile: { real_name: 'Alice' } });
    expect(await emailOf('U0ALICE')).toBeUndefined();
    expect(await emailOf('U0ALICE')).toBeUndefined(); // cached
    expect(fake!.of('users.info')).toHaveLength(1);
    expect(lines.filter((l) => String(l.msg).includes('users:read.email'))).toHaveLength(1);
    fake!.handlers['users.info'] = (b) => ({ ok: true, user: { id: b.user, profile: { email: 'not an address <x@y>' } } });
    expect(await emailOf('U0BOB')).toBeUndefined();
  });

  it('an address is kept for the cache time, then asked again', async () => {
    const { emailOf, advance } = await lookup({ profile: { email: 'Alice@Contoso.com' } });
    expect(await emailOf('U0ALICE')).toBe('Alice@Contoso.com');
    advance(999);
    expect(await emailOf('U0ALICE')).toBe('Alice@Contoso.com');
    expect(fake!.of('users.info')).toHaveLength(1);
    advance(2);
    await emailOf('U0ALICE');
    expect(fake!.of('users.info')).toHaveLength(2);
  });
});
