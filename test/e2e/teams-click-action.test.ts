// End to end: a Teams Action.Execute invoke (JWT validated by the real CloudAdapter on loopback) → the real actions
// service → Microsoft Graph (nock, documented shapes) → the refreshed card in the invoke answer.
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import type { ActionRequest } from '../../src/domain/index.js';
import { RESPONDER, channelActivity } from '../fakes/bot-framework.js';
import { startBot } from '../channels/teams/harness.js';
import { FAST_RETRY, captureLogger, entraEnv, makeAlert } from '../actions/helpers.js';
import { ADELE, GRAPH, graphError, nockToken, nockUserFilter } from '../fakes/graph.js';

type Bot = Awaited<ReturnType<typeof startBot>>;
let bot: Bot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function start() {
  bot = await startBot({
    actions: (store) =>
      Object.assign(
        createActionsService({ env: entraEnv({ ENTRA_FOUR_EYES: 'false' }), store, log: captureLogger().log, dryRun: false, retry: FAST_RETRY }),
        { calls: [] as ActionRequest[] },
      ),
  });
  await bot.store.saveAlerts([makeAlert()]);
  return bot;
}

const invoke = (verb: string, data: Record<string, unknown>) =>
  channelActivity({
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `inv-${verb}-${Date.now()}`,
    replyToId: '1700000000555',
    from: { id: '29:someone', name: 'Alice Admin', aadObjectId: RESPONDER },
    value: { action: { type: 'Action.Execute', id: '', verb, data: { vigil: 'alert-action', verb, ...data } }, trigger: 'manual' },
  });

describe('Teams click → Entra action, end to end', () => {
  it('Suspend: PATCH accountEnabled=false and revoke in Graph, the invoke answers with the refreshed card', async () => {
    const b = await start();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const writes = nock(GRAPH)
      .patch(`/v1.0/users/${ADELE.id}`, { accountEnabled: false })
      .reply(204)
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(200, { value: true });
    const res = await b.send(invoke('suspend', { alertId: 'alert-1', reason: 'user confirmed by phone it was not them' }));
    writes.done();
    expect(res.status).toBe(200);
    const card = JSON.stringify(res.body?.value);
    expect(card).toContain('Disabled Adele Vance (AdeleV@contoso.com) in Entra ID');
    expect(await b.store.getAlert('alert-1')).toMatchObject({ status: 'actioned' });
    const audit = await b.store.listAudit('alert-1');
    expect(audit.at(-1)).toMatchObject({ what: 'suspend', outcome: 'done', by: `Alice Admin (teams:${RESPONDER})`, detail: { reason: 'user confirmed by phone it was not them' } });
    expect(audit.find((r) => r.outcome === 'requested')?.detail).toMatchObject({ reason: 'user confirmed by phone it was not them' });
  });

  it('a Graph 403 reaches the card as a readable failure', async () => {
    const b = await start();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH)
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), { 'request-id': 'req-403' });
    const res = await b.send(invoke('revoke', { alertId: 'alert-1' }));
    const card = JSON.stringify(res.body?.value);
    expect(card).toContain('Authorization_RequestDenied');
    expect(card).toContain('req-403');
    expect((await b.store.getAlert('alert-1'))?.status).toBe('open');
  });
});
