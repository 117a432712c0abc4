import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { blockAction, interactivity, postSigned, sampleAlert } from './fixtures.js';
import { SEEDED_CARD, seedCard, startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CARD = SEEDED_CARD;
const seedAlert = seedCard;
const acknowledge = (user: string) => interactivity(blockAction({ user, actionId: ACTION.acknowledge, value: 'al_travel_1', ...CARD }));
const assign = (user: string, to: string, blockId?: string) =>
  interactivity(blockAction({ user, actionId: ACTION.assign, selectedUser: to, ...(blockId ? { blockId } : {}), ...CARD }));
const ephemerals = () => h!.slack.of('chat.postEphemeral').map((m) => `${m.user}: ${m.text}`);

describe('Slack: Acknowledge and Assign…', () => {
  it('a responder acknowledges: the alert is theirs (stored, audited) and the card is redrawn with the owner at once', async () => {
    h = await startHarness();
    await seedAlert(h);
    expect((await postSigned(h.url, acknowledge('U0ALICE'))).status).toBe(200);
    const alert = (await h.store.getAlert('al_travel_1'))!;
    expect(alert.status).toBe('acknowledged');
    expect(alert.owner?.who).toMatchObject({ platform: 'slack', id: 'U0ALICE' });
    expect((await h.store.listAudit('al_travel_1')).map((l) => [l.what, l.outcome])).toEqual([['acknowledge', 'done']]);
    const [update] = h.slack.of('chat.update');
    expect(update).toMatchObject(CARD);
    expect(JSON.stringify(update!.blocks)).toContain('*Acknowledged* by <@U0ALICE>');
    expect(JSON.stringify(update!.blocks)).not.toContain(ACTION.acknowledge);
    expect(h.done.count).toBe(1);
    // Another responder's Acknowledge does not steal it; they are told who owns it and how to take it over.
    await postSigned(h.url, acknowledge('U0BOB'));
    expect(ephemerals()).toEqual([expect.stringMatching(/^U0BOB: ⛔ Acknowledged by u0alice already; use Assign…/)]);
    expect((await h.store.getAlert('al_travel_1'))!.owner?.who.id).toBe('U0ALICE');
  });

  it('acknowledge by a non-responder is refused: nothing stored, no ownership request', async () => {
    h = await startHarness();
    await seedAlert(h);
    await postSigned(h.url, acknowledge('U0MALLORY'));
    expect(ephemerals()).toEqual([expect.stringContaining('U0MALLORY: 🚫 You are not an authorised Vigil responder')]);
    expect(h.actions.owns).toEqual([]);
    expect((await h.store.getAlert('al_travel_1'))!.owner).toBeUndefined();
    expect(h.slack.of('chat.update')).toEqual([]);
  });

  it('assign to a non-responder is refused and says so; assign to a member of the responder group works', async () => {
    h = await startHarness({ groupMembers: ['U0CAROL'] });
    await seedAlert(h);
    await postSigned(h.url, assign('U0ALICE', 'U0MALLORY'));
    expect(ephemerals()).toEqual(['U0ALICE: 🚫 <@U0MALLORY> is not a Vigil responder (SLACK_RESPONDERS), so the alert was not assigned to them.']);
    expect(h.actions.owns).toEqual([]);
    expect((await h.store.getAlert('al_travel_1'))!.owner).toBeUndefined();

    await postSigned(h.url, assign('U0ALICE', 'U0CAROL'));
    const alert = (await h.store.getAlert('al_travel_1'))!;
    expect(alert.owner).toMatchObject({ who: { platform: 'slack', id: 'U0CAROL' }, assignedBy: { platform: 'slack', id: 'U0ALICE' } });
    expect(alert.status).toBe('acknowledged');
    expect(JSON.stringify(h.slack.of('chat.update').at(-1)!.blocks)).toContain('*Assigned* to <@U0CAROL> by <@U0ALICE>');
  });

  it('a non-responder cannot assign, even to a responder', async () => {
    h = await startHarness();
    await seedAlert(h);
    await postSigned(h.url, assign('U0MALLORY', 'U0BOB'));
    expect(ephemerals()).toEqual([expect.stringContaining('not an authorised Vigil responder')]);
    expect(h.actions.owns).toEqual([]);
  });

  it('an assign whose block names another alert than the clicked card is refused (a forged block id)', async () => {
    h = await startHarness();
    await seedAlert(h);
    await h.store.saveAlerts([sampleAlert({ id: 'al_other' })]);
    await postSigned(h.url, assign('U0ALICE', 'U0BOB', 'a:al_other:1'));
    expect(ephemerals()).toEqual([expect.stringContaining("does not belong to this alert's card")]);
    expect((await h.store.getAlert('al_other'))!.owner).toBeUndefined();
  });

  it('a resolved alert cannot be acknowledged', async () => {
    h = await startHarness();
    await seedAlert(h, { status: 'dismissed' });
    await postSigned(h.url, acknowledge('U0ALICE'));
    expect(ephemerals()).toEqual([expect.stringContaining('already dismissed')]);
  });
});
