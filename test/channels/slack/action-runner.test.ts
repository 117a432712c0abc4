import { afterEach, describe, expect, it } from 'vitest';
import { createActionsService } from '../../../src/actions/index.js';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { entraSchema } from '../../../src/actions/settings.js';
import { blockAction, interactivity, postSigned, sampleAlert, silentLog } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('Slack clicks with the real actions service in dry run', () => {
  it('the card and the thread say it was a dry run; the outcome and audit are stored; a repeat runs nothing new', async () => {
    h = await startHarness({ dryRun: true, service: (store) => createActionsService({ env: entraSchema.parse({}), store, log: silentLog, dryRun: true }) });
    await h.store.saveAlerts([sampleAlert()]);
    await h.store.saveDelivery({ channel: 'slack', alertId: 'al_travel_1', revision: 1, ref: { channel: 'C0ALERTS', ts: '1700000000.000001' }, attempts: 0, deliveredAt: 1 });
    // Each click is a new signed request (Slack never sends the same one twice; a replay is refused).
    const click = () => interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.revoke, value: 'al_travel_1', channel: 'C0ALERTS', ts: '1700000000.000001' }));
    expect((await postSigned(h.url, click())).status).toBe(200);
    const stored = await h.store.getActionOutcome('al_travel_1', 'revoke-sessions');
    expect(stored).toMatchObject({ status: 'dry-run', by: { platform: 'slack', id: 'U0ALICE' } });
    const card = JSON.stringify(h.slack.of('chat.update')[0]!.blocks);
    expect(card).toContain('dry run: nothing was changed');
    expect(card).toContain('Dry run');
    expect(card).not.toContain('Re-sign-in required*');
    expect(h.slack.of('chat.postMessage').at(-1)!.text).toContain('🧪');
    expect((await h.store.listAudit('al_travel_1')).length).toBeGreaterThan(0);
    await postSigned(h.url, click());
    expect(h.slack.of('chat.postEphemeral').at(-1)!.text).toContain('Already handled');
    expect(h.slack.of('chat.update')).toHaveLength(1);
  });
});
