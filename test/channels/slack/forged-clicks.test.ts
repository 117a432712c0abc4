import { afterEach, describe, expect, it } from 'vitest';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { blockAction, interactivity, postSigned, sampleAlert, sign, suspendSubmission } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

/** Finding 5 of issue 14: signed requests whose fields Vigil did not put there. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CARD_B = { channel: 'C0ALERTS', ts: '1700000000.000001' };
const CARD_C = { channel: 'C0ALERTS', ts: '1700000000.000002' };

async function seed(harness: Harness) {
  for (const [id, card] of [['al_b', CARD_B], ['al_c', CARD_C]] as const) {
    await harness.store.saveAlerts([sampleAlert({ id, title: `alert ${id}` })]);
    await harness.store.saveDelivery({ channel: 'slack', alertId: id, revision: 1, ref: card, attempts: 0, deliveredAt: 1 });
    harness.slack.seed({ ...card, text: id });
  }
}

const submission = (privateMetadata: string) => suspendSubmission(privateMetadata);

describe('forged clicks', () => {
  it('a click on card B whose value names alert C acts on nothing and redraws nothing', async () => {
    h = await startHarness();
    await seed(h);
    for (const actionId of [ACTION.notify, ACTION.revoke, ACTION.suspend]) {
      const res = await postSigned(h.url, interactivity(blockAction({ user: 'U0ALICE', actionId, value: 'al_c', ...CARD_B })));
      expect(res.status).toBe(200);
    }
    const dismiss = blockAction({ user: 'U0ALICE', actionId: ACTION.dismiss, selected: 'false-positive|al_c', ...CARD_B });
    expect((await postSigned(h.url, interactivity(dismiss))).status).toBe(200);
    expect(h.actions.calls).toEqual([]);
    expect(h.slack.of('views.open')).toEqual([]);
    expect(h.slack.of('chat.update')).toEqual([]);
    expect(h.slack.of('chat.postEphemeral').map((e) => e.text)).toEqual(Array(4).fill(expect.stringContaining('does not belong')));
    // The same click on C's own card goes through.
    await postSigned(h.url, interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.revoke, value: 'al_c', ...CARD_C })));
    expect(h.actions.calls.map((c) => c.alertId)).toEqual(['al_c']);
  });

  it('a suspend-modal submission with metadata Vigil did not sign (or altered) suspends nobody', async () => {
    h = await startHarness();
    await seed(h);
    await postSigned(h.url, interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.suspend, value: 'al_b', ...CARD_B })));
    const genuine = h.slack.of('views.open')[0]!.view.private_metadata as string;
    const forged = [
      JSON.stringify({ alertId: 'al_c', channel: CARD_C.channel, ts: CARD_C.ts, threadTs: CARD_C.ts }), // unsigned
      genuine.replace('al_b', 'al_c'), // signed for B, altered to C
      genuine.replace(/\.[^.]+$/, '.AAAA'), // bad signature
      JSON.stringify({ alertId: 'al_b', channel: 'C0OTHER', ts: CARD_B.ts, threadTs: CARD_B.ts }), // any channel
    ];
    for (const meta of forged) {
      const res = await postSigned(h.url, submission(meta));
      expect(await res.json()).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('out of date') } });
    }
    expect(h.actions.calls).toEqual([]);
    // The modal Vigil opened (signed metadata) works.
    await postSigned(h.url, submission(genuine));
    expect(h.actions.calls.map((c) => [c.alertId, c.kind])).toEqual([['al_b', 'suspend']]);
  });

  it('a signed body that is not a Slack envelope answers 400 (JSON null, an array, a string, another content type)', async () => {
    h = await startHarness();
    const ts = Math.floor(Date.now() / 1000);
    for (const [body, type] of [['null', 'application/json'], ['[1,2]', 'application/json'], ['"x"', 'application/json'], ['payload=null', 'application/x-www-form-urlencoded'], ['{}', 'text/plain']]) {
      const res = await fetch(h.url, { method: 'POST', headers: { ...sign(body!, ts), 'content-type': type! }, body });
      expect(res.status, body).toBe(400);
    }
  });

  it('a signed click replayed within the 5-minute window is refused (409); the action ran once', async () => {
    h = await startHarness();
    await seed(h);
    const body = interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.revoke, value: 'al_b', ...CARD_B }));
    const ts = Math.floor(Date.now() / 1000);
    expect((await postSigned(h.url, body, { ts })).status).toBe(200);
    expect((await postSigned(h.url, body, { ts })).status).toBe(409);
    expect(h.actions.calls).toHaveLength(1);
  });
});
