// End to end: one store, the real actions service over the loopback fake Graph, the Slack integration (signed
// requests to /slack/events, fake Slack Web API) and the Teams bot (JWT-signed invokes to /api/messages).
// Alice asks to suspend an administrator in Slack and clicks again in Teams: she is one person, so nothing happens
// until Bob approves.
import { afterEach, describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import { entraSchema } from '../../src/actions/settings.js';
import type { ActionsService } from '../../src/actions/types.js';
import type { ActionRequest } from '../../src/domain/index.js';
import { ACTION } from '../../src/channels/slack/ids.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { makeAlert } from '../actions/helpers.js';
import { blockAction, interactivity, postSigned, silentLog, suspendSubmission } from '../channels/slack/fixtures.js';
import { startHarness, type Harness } from '../channels/slack/harness.js';
import { startBot, type Bot } from '../channels/teams/harness.js';
import { RESPONDER, channelActivity } from '../fakes/bot-framework.js';
import { fakeGraphEnv, graphUser, startFakeGraph, type FakeGraph } from '../fakes/graph.js';

const BOB_OID = '0b0b0b0b-1111-2222-3333-444444444444';
const CARD = { channel: 'C0ALERTS', ts: '1700000000.000100' };

let graph: FakeGraph | undefined;
let slack: Harness | undefined;
let teams: Bot | undefined;
afterEach(async () => {
  await slack?.close();
  await teams?.close();
  await graph?.close();
  slack = teams = graph = undefined;
});

const teamsSuspend = (aadObjectId: string, name: string) =>
  channelActivity({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `inv-${Math.random()}`,
    replyToId: '1700000000555',
    from: { id: `29:${name}`, name, aadObjectId },
    value: { action: { type: 'Action.Execute', id: '', verb: 'suspend', data: { vigil: 'alert-action', verb: 'suspend', alertId: 'alert-1', reason: 'compromised' } }, trigger: 'manual' },
  });

describe('four-eyes across Slack and Teams, end to end', () => {
  it('the same person in Slack and Teams does not approve her own request; another person does', async () => {
    graph = await startFakeGraph({
      users: [
        graphUser({ mail: 'adelev@contoso.com', displayName: 'Adele Vance', directoryRoles: ['role-global-admin'] }),
        graphUser({ id: RESPONDER, mail: 'alice@contoso.com', displayName: 'Alice Admin' }),
        graphUser({ id: BOB_OID, mail: 'bob@contoso.com', displayName: 'Bob Responder' }),
      ],
    });
    const store = createStore(createMemoryKV());
    await store.saveAlerts([makeAlert()]);
    await store.saveDelivery({ channel: 'slack', alertId: 'alert-1', revision: 1, ref: CARD, attempts: 1, deliveredAt: 1 });
    const service: ActionsService = createActionsService({ env: entraSchema.parse(fakeGraphEnv(graph, { ENTRA_FOUR_EYES: 'true' })), store, log: silentLog, dryRun: false, messengers: [] });
    const calls: ActionRequest[] = [];
    const recording = { ...service, calls, execute: (req: ActionRequest) => (calls.push(req), service.execute(req)) };
    slack = await startHarness({ store, service: () => recording, emails: { U0ALICE: 'Alice@Contoso.com' } });
    slack.slack.seed({ ...CARD, text: 'the card' });
    teams = await startBot({ store, actions: () => recording, env: { TEAMS_RESPONDERS: [RESPONDER, BOB_OID] } });
    const disables = () => graph!.calls.filter((c) => c.method === 'PATCH').length;

    // Alice in Slack: Suspend, then the reason modal.
    await postSigned(slack.url, interactivity(blockAction({ user: 'U0ALICE', actionId: ACTION.suspend, value: 'alert-1', ...CARD })));
    await postSigned(slack.url, suspendSubmission(slack.slack.of('views.open')[0]!.view.private_metadata as string));
    expect(await store.getActionOutcome('alert-1', 'suspend')).toMatchObject({ status: 'pending-approval', by: { platform: 'slack', id: 'U0ALICE', email: 'Alice@Contoso.com' } });

    // Alice again, in Teams: recognised as the same person, nothing changes, and her card says why.
    const again = await teams.send(teamsSuspend(RESPONDER, 'Alice Admin'));
    expect(again.status).toBe(200);
    expect(JSON.stringify(again.body)).toContain('Still waiting for a second responder');
    expect(disables()).toBe(0);
    expect(await store.getActionOutcome('alert-1', 'suspend')).toMatchObject({ status: 'pending-approval', by: { platform: 'slack', id: 'U0ALICE' } });
    const notCounted = (await store.listAudit('alert-1')).find((r) => r.outcome === 'not-counted');
    expect(notCounted?.detail).toMatchObject({ fourEyes: { verdict: 'same', requester: { entraId: RESPONDER }, approver: { entraId: RESPONDER } } });

    // Bob, in Teams: another person, so the administrator is suspended once.
    const bob = await teams.send(teamsSuspend(BOB_OID, 'Bob Responder'));
    expect(bob.status).toBe(200);
    expect(disables()).toBe(1);
    expect(await store.getActionOutcome('alert-1', 'suspend')).toMatchObject({ status: 'done', message: expect.stringContaining('Requested by alice, approved by Bob Responder.') });
    expect(calls.map((c) => `${c.by.platform}:${c.by.name}`)).toEqual(['slack:alice', 'teams:Alice Admin', 'teams:Bob Responder']);
  });
});
