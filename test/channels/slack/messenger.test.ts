import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { blockAction, interactivity, postSigned, sampleAlert } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function seed(harness: Harness) {
  const alert = sampleAlert();
  await harness.store.saveAlerts([alert]);
  await harness.store.saveDelivery({ channel: 'slack', alertId: alert.id, revision: 1, ref: { channel: 'C0ALERTS', ts: '1700000000.000001' }, attempts: 0, deliveredAt: 1 });
  return alert;
}

describe('"Was this you?" on Slack', () => {
  it('finds the user by email and DMs them Yes / No', async () => {
    h = await startHarness({ emails: { U0ALICEUSER: 'alice@example.com' } });
    const alert = await seed(h);
    const res = await h.integration.messenger.askWasThisYou({ alert, email: 'alice@example.com' });
    expect(res).toEqual({ sent: true, detail: expect.stringContaining('<@U0ALICEUSER>') });
    expect(h.slack.of('users.lookupByEmail')).toEqual([expect.objectContaining({ email: 'alice@example.com' })]);
    expect(h.slack.of('conversations.open')).toEqual([expect.objectContaining({ users: 'U0ALICEUSER' })]);
    const [dm] = h.slack.of('chat.postMessage');
    expect(dm!.channel).toBe('D00ALICEUSER');
    const ids = JSON.stringify(dm!.blocks);
    expect(ids).toContain(ACTION.answerYes);
    expect(ids).toContain(ACTION.answerNo);
  });

  it('reports an unknown email without throwing', async () => {
    h = await startHarness();
    const res = await h.integration.messenger.askWasThisYou({ alert: sampleAlert(), email: 'nobody@example.com' });
    expect(res).toEqual({ sent: false, detail: 'no Slack user has the email nobody@example.com' });
    expect(h.slack.of('chat.postMessage')).toEqual([]);
  });

  it('"no" is recorded, the DM loses its buttons and the responders are pinged in the alert thread', async () => {
    h = await startHarness({ emails: { U0ALICEUSER: 'alice@example.com' } });
    const alert = await seed(h);
    await h.integration.messenger.askWasThisYou({ alert, email: 'alice@example.com' });
    const dm = h.slack.of('chat.postMessage')[0]!;
    const dmTs = '1700000000.000100';
    const answer = (user: string) => interactivity(blockAction({ user, actionId: ACTION.answerNo, value: alert.id, channel: dm.channel, ts: dmTs }));

    // Someone else pressing the button (e.g. a forwarded message) is refused.
    await postSigned(h.url, answer('U0MALLORY'));
    expect(h.actions.answers).toEqual([]);
    expect(h.slack.of('chat.postEphemeral').at(-1)!.text).toContain('not sent to you');

    await postSigned(h.url, answer('U0ALICEUSER'));
    expect(h.actions.answers).toEqual([expect.objectContaining({ alertId: alert.id, answer: 'no', by: expect.objectContaining({ platform: 'slack', id: 'U0ALICEUSER' }) })]);
    const dmUpdate = h.slack.of('chat.update').at(-1)!;
    expect(dmUpdate).toMatchObject({ channel: dm.channel, ts: dmTs });
    expect(JSON.stringify(dmUpdate.blocks)).not.toContain(ACTION.answerNo);
    const ping = h.slack.of('chat.postMessage').at(-1)!;
    expect(ping).toMatchObject({ channel: 'C0ALERTS', thread_ts: '1700000000.000001' });
    expect(ping.text).toContain('<@U0ALICE> <@U0BOB> <!subteam^S0SECTEAM>');
    expect(ping.text).toContain('NO, it was not me');
    expect(h.done.count).toBe(1);
    const d = await h.store.getDelivery('slack', alert.id);
    expect(d?.ref.pingedAnswerAt).toBe(String(h.actions.answers[0]!.at));
  });

  it('"yes" is recorded and noted in the thread without pinging anyone', async () => {
    h = await startHarness({ emails: { U0ALICEUSER: 'alice@example.com' } });
    const alert = await seed(h);
    await h.integration.messenger.askWasThisYou({ alert, email: 'alice@example.com' });
    const dm = h.slack.of('chat.postMessage')[0]!;
    await postSigned(h.url, interactivity(blockAction({ user: 'U0ALICEUSER', actionId: ACTION.answerYes, value: alert.id, channel: dm.channel, ts: '1700000000.000100' })));
    expect(h.actions.answers.map((a) => a.answer)).toEqual(['yes']);
    const note = h.slack.of('chat.postMessage').at(-1)!;
    expect(note.text).toContain('answered *yes, it was me*');
    expect(note.text).not.toContain('<!subteam');
  });
});
