import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { blockAction, interactivity, outcome, postSigned, sampleAlert, slashCommand } from './fixtures.js';
import { SEEDED_CARD, seedCard, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
/** A `/vigil` command whose response_url is the fake Slack's (read back with h.slack.replies('cmd')). */
const command = (text: string, user?: string) => slashCommand(text, user, h!.slack.responseUrl('cmd'));
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CARD = SEEDED_CARD;
const seedAlert = seedCard;
const click = (user: string, actionId: string, extra: Record<string, string> = {}) =>
  interactivity(blockAction({ user, actionId, value: 'al_travel_1', ...CARD, ...extra }));

describe('Slack HTTP endpoint: request verification', () => {
  it('refuses a forged signature, a stale timestamp and a future timestamp with 401, and runs nothing', async () => {
    h = await startHarness();
    await seedAlert(h);
    const body = click('U0ALICE', ACTION.notify);
    const now = Math.floor(Date.now() / 1000);
    expect((await postSigned(h.url, body, { secret: 'not-the-signing-secret' })).status).toBe(401);
    expect((await postSigned(h.url, body, { ts: now - 301 })).status).toBe(401);
    expect((await postSigned(h.url, body, { ts: now + 600 })).status).toBe(401);
    const unsigned = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(unsigned.status).toBe(401);
    expect(h.actions.calls).toEqual([]);
    expect(h.slack.calls.filter((c) => c.method !== 'auth.test')).toEqual([]);
    // The same body correctly signed goes through.
    expect((await postSigned(h.url, body)).status).toBe(200);
    expect(h.actions.calls).toHaveLength(1);
  });
});

describe('Slack clicks', () => {
  it('an unauthorised click gets an ephemeral "not authorised" and causes no action call', async () => {
    h = await startHarness({ groupMembers: ['U0CAROL'] });
    await seedAlert(h);
    const res = await postSigned(h.url, click('U0MALLORY', ACTION.revoke));
    expect(res.status).toBe(200);
    expect(h.actions.calls).toEqual([]);
    expect(h.done.count).toBe(0);
    expect(h.slack.of('usergroups.users.list')).toEqual([expect.objectContaining({ usergroup: 'S0SECTEAM' })]);
    expect(h.slack.of('chat.postEphemeral')).toEqual([expect.objectContaining({ channel: 'C0ALERTS', user: 'U0MALLORY', text: expect.stringContaining('not an authorised') })]);
    expect(h.slack.of('chat.update')).toEqual([]);
    // A member of the responder group may act; the membership is cached (no second lookup).
    await postSigned(h.url, click('U0CAROL', ACTION.revoke));
    expect(h.actions.calls.map((c) => [c.kind, c.by.id])).toEqual([['revoke-sessions', 'U0CAROL']]);
    expect(h.slack.of('usergroups.users.list')).toHaveLength(1);
  });

  it('a click runs the action once, updates the card in place with the outcome and writes the thread', async () => {
    h = await startHarness();
    await seedAlert(h);
    expect((await postSigned(h.url, click('U0ALICE', ACTION.revoke))).status).toBe(200);
    expect(h.actions.calls).toEqual([expect.objectContaining({ alertId: 'al_travel_1', kind: 'revoke-sessions', by: { platform: 'slack', id: 'U0ALICE', name: 'u0alice' } })]);
    const [update] = h.slack.of('chat.update');
    expect(update).toMatchObject({ channel: 'C0ALERTS', ts: '1700000000.000001' });
    const card = JSON.stringify(update!.blocks);
    expect(card).toContain('*Re-sign-in required* by <@U0ALICE>');
    expect(card).not.toContain(ACTION.revoke); // the button that no longer applies is gone
    expect(card).toContain(ACTION.suspend);
    const thread = h.slack.of('chat.postMessage');
    expect(thread.map((m) => m.thread_ts)).toEqual(['1700000000.000001', '1700000000.000001']);
    expect(thread[0]!.text).toContain('<@U0ALICE> requested *Require re-sign-in*');
    expect(thread[1]!.text).toContain('*Re-sign-in required* by <@U0ALICE>');
    expect(h.done.count).toBe(1);
  });

  it('a double click (and a second responder at the same time) produce one action call', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    h = await startHarness({ answer: async (req) => (await gate, outcome(req.kind, 'done', { by: req.by, at: req.requestedAt })) });
    await seedAlert(h);
    const first = postSigned(h.url, click('U0ALICE', ACTION.notify));
    const second = postSigned(h.url, click('U0ALICE', ACTION.notify));
    const third = postSigned(h.url, click('U0BOB', ACTION.notify));
    // Wait until the two extra clicks were told it is already running, then let the action finish.
    for (let i = 0; i < 200 && h.slack.of('chat.postEphemeral').length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(h.slack.of('chat.postEphemeral').map((e) => e.text)).toEqual([expect.stringContaining('already running'), expect.stringContaining('already running')]);
    release();
    expect((await Promise.all([first, second, third])).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(h.actions.calls).toHaveLength(1);
    // After it finished, another click is answered from the stored outcome, without a new call.
    await postSigned(h.url, click('U0BOB', ACTION.notify));
    expect(h.actions.calls).toHaveLength(1);
    expect(h.slack.of('chat.postEphemeral').at(-1)!.text).toContain('Already handled');
  });

  it('Suspend opens a reason modal; the submission runs suspend with the reason and updates the card', async () => {
    h = await startHarness();
    await seedAlert(h);
    await postSigned(h.url, click('U0ALICE', ACTION.suspend));
    expect(h.actions.calls).toEqual([]);
    const [open] = h.slack.of('views.open');
    expect(open).toMatchObject({ trigger_id: '1234.5678.abcdef', view: { type: 'modal', callback_id: 'vigil_suspend_reason' } });
    const meta = open!.view.private_metadata as string;
    const submission = (reason: string, user = 'U0ALICE') =>
      interactivity({
        type: 'view_submission',
        team: { id: 'T0TEAM' },
        user: { id: user, name: user.toLowerCase() },
        api_app_id: 'A0APP',
        trigger_id: '9.9.9',
        view: { id: 'V0MODAL', type: 'modal', callback_id: 'vigil_suspend_reason', private_metadata: meta, state: { values: { reason: { reason_input: { type: 'plain_text_input', value: reason } } } } },
      });
    // No reason: the modal shows an error and nothing runs.
    const empty = await postSigned(h.url, submission(' '));
    expect(await empty.json()).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('Give a reason') } });
    expect(h.actions.calls).toEqual([]);
    // A non-responder's submission does nothing.
    await postSigned(h.url, submission('I want to', 'U0MALLORY'));
    expect(h.actions.calls).toEqual([]);
    const ok = await postSigned(h.url, submission('Confirmed with the user: not them'));
    expect(ok.status).toBe(200);
    expect(h.actions.calls).toEqual([expect.objectContaining({ kind: 'suspend', reason: 'Confirmed with the user: not them' })]);
    const update = h.slack.of('chat.update').at(-1)!;
    expect(update).toMatchObject({ channel: 'C0ALERTS', ts: '1700000000.000001' });
    expect(JSON.stringify(update.blocks)).toContain('*Suspended* by <@U0ALICE>');
    expect(h.slack.of('chat.postMessage').map((m) => m.text).join('\n')).toContain('Reason: Confirmed with the user: not them');
  });

  it('Dismiss with a reason runs dismiss and removes every button', async () => {
    h = await startHarness({
      answer: async (req, store) => {
        await store.updateAlert(req.alertId, (a) => ({ ...a, status: 'dismissed' }));
        return outcome('dismiss', 'done', { by: req.by, at: req.requestedAt, message: `Dismissed: ${req.reason}` });
      },
    });
    await seedAlert(h);
    await postSigned(h.url, interactivity(blockAction({ user: 'U0BOB', actionId: ACTION.dismiss, selected: 'false-positive|al_travel_1', ...CARD })));
    expect(h.actions.calls).toEqual([expect.objectContaining({ kind: 'dismiss', reason: 'False positive' })]);
    const blocks = h.slack.of('chat.update').at(-1)!.blocks as Array<{ type: string }>;
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(blocks)).toContain('*Dismissed* by <@U0BOB>');
  });

  it('dry run: the card and thread say nothing was changed and claim no action', async () => {
    h = await startHarness({ dryRun: true, answer: (req) => outcome(req.kind, 'dry-run', { by: req.by, at: req.requestedAt, message: 'Dry run: would revoke every sign-in session.' }) });
    await seedAlert(h);
    await postSigned(h.url, click('U0ALICE', ACTION.revoke));
    const card = JSON.stringify(h.slack.of('chat.update')[0]!.blocks);
    expect(card).toContain('dry run: nothing was changed');
    expect(card).not.toContain('Re-sign-in required*');
    expect(h.slack.of('chat.postMessage').at(-1)!.text).toContain('dry run: nothing was changed');
  });

  it('an action that throws is reported as failed on the card, with the button kept for a retry', async () => {
    h = await startHarness({ answer: () => Promise.reject(new Error('Graph unreachable')) });
    await seedAlert(h);
    await postSigned(h.url, click('U0ALICE', ACTION.revoke));
    const card = JSON.stringify(h.slack.of('chat.update')[0]!.blocks);
    expect(card).toContain('*failed*: Graph unreachable');
    expect(card).toContain(ACTION.revoke);
  });
});

describe('/vigil slash command', () => {
  it('help, unknown input → usage; alerts lists open alerts; non-responders get help only', async () => {
    h = await startHarness();
    const replies = h.slack.replies('cmd');
    await seedAlert(h);
    expect((await postSigned(h.url, command('help'))).status).toBe(200);
    expect((await postSigned(h.url, command('frobnicate now'))).status).toBe(200);
    await postSigned(h.url, command('alerts'));
    await postSigned(h.url, command('alerts', 'U0MALLORY'));
    expect(replies).toHaveLength(4);
    expect(replies.every((r) => r.response_type === 'ephemeral')).toBe(true);
    expect(JSON.stringify(replies[0])).toContain('/vigil activity');
    expect(JSON.stringify(replies[1])).toContain('Unknown command');
    expect(JSON.stringify(replies[1])).toContain('/vigil status');
    expect(JSON.stringify(replies[2])).toContain('impossible travel Berlin');
    expect(replies[3]!.text).toContain('Only Vigil responders');
  });

  it('activity @user resolves the Slack user to an email and shows their activity', async () => {
    h = await startHarness({ emails: { U0DAVE: 'alice@example.com' } });
    const replies = h.slack.replies('cmd');
    await seedAlert(h);
    const ev = (id: string, t: number, action: string, country: string, ip: string) => ({
      id, time: t, processedAt: t, source: 'demo' as const, action, actor: { id: '557058:alice', email: 'alice@example.com' }, interactive: true, targets: [], location: { ip, countryName: country }, raw: {},
    });
    const now = Date.now();
    await h.store.recordActivity([ev('e1', now - 3_600_000, 'user_login', 'Germany', '203.0.113.7'), ev('e2', now - 1_800_000, 'user_login', 'Brazil', '198.51.100.9'), ev('e3', now - 60_000, 'user_logged_in_as_user', 'Brazil', '198.51.100.9')]);
    await postSigned(h.url, command('activity <@U0DAVE|dave> 7d'));
    expect(h.slack.of('users.info')).toEqual([expect.objectContaining({ user: 'U0DAVE' })]);
    const text = JSON.stringify(replies[0]);
    expect(text).toContain('Germany ×1');
    expect(text).toContain('Brazil ×1');
    expect(text).toContain('*Impersonations* (1)');
    expect(text).toContain('*Open alerts* (1)');
  });
});
