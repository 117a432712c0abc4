import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import type { UserMessenger } from '../../src/actions/types.js';
import { entraSchema } from '../../src/actions/settings.js';
import { VigilError } from '../../src/domain/errors.js';
import { ALICE, BOB, FAST_RETRY, captureLogger, entraEnv, req, storeWith } from './helpers.js';
import { ADELE, CLIENT_SECRET, TENANT, GRAPH, nockToken, nockUserFilter } from '../fakes/graph.js';

const NOW = Date.UTC(2026, 10, 21, 9, 1);

async function setup(opts: { dryRun?: boolean; configured?: boolean; messengers?: UserMessenger[] } = {}) {
  const store = await storeWith();
  const env = opts.configured === false ? entraSchema.parse({}) : entraEnv({ ENTRA_FOUR_EYES: 'false' });
  const service = createActionsService({
    env,
    store,
    log: captureLogger().log,
    dryRun: opts.dryRun ?? false,
    messengers: opts.messengers ?? [],
    retry: FAST_RETRY,
    now: () => NOW,
  });
  return { store, service };
}

describe('idempotency', () => {
  it('two concurrent executes of the same action make one Graph call and return the same outcome', async () => {
    const { service, store } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    let revokes = 0;
    nock(GRAPH)
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .times(2)
      .reply(() => {
        revokes++;
        return [200, { value: true }];
      });
    const [a, b] = await Promise.all([service.execute(req('revoke-sessions', ALICE)), service.execute(req('revoke-sessions', BOB))]);
    expect(revokes).toBe(1);
    expect(a.status).toBe('done');
    expect(b).toEqual(a);
    const audit = await store.listAudit('alert-1');
    expect(audit.map((r) => r.outcome)).toEqual(['requested', 'done', 'repeat']);
    expect(audit[2]).toMatchObject({ by: 'bob (slack:U0BOB)', detail: { returned: 'done', firstBy: 'alice (slack:U0ALICE)' } });
  });

  it('a later repeat returns the stored outcome without calling Graph', async () => {
    const { service } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });
    const first = await service.execute(req('revoke-sessions'));
    // No interceptor is left: a second Graph call would fail the action.
    expect(await service.execute(req('revoke-sessions'))).toEqual(first);
  });

  it('a failed outcome can be retried', async () => {
    const { service } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
    expect((await service.execute(req('revoke-sessions'))).status).toBe('failed');
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });
    expect((await service.execute(req('revoke-sessions'))).status).toBe('done');
  });
});

describe('audit record', () => {
  it('records who, when, what, the outcome and every Graph request id', async () => {
    const { service, store } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true }, { 'request-id': 'req-revoke' });
    await service.execute({ ...req('revoke-sessions'), reason: 'user confirmed phishing' });
    const [requested, done] = await store.listAudit('alert-1');
    expect(requested).toEqual({
      at: NOW,
      alertId: 'alert-1',
      what: 'revoke-sessions',
      by: 'alice (slack:U0ALICE)',
      outcome: 'requested',
      detail: { requestedAt: Date.UTC(2026, 10, 21, 9, 0), reason: 'user confirmed phishing', dryRun: false },
    });
    expect(done).toMatchObject({
      at: NOW,
      what: 'revoke-sessions',
      by: 'alice (slack:U0ALICE)',
      outcome: 'done',
      detail: {
        requestIds: ['req-lookup-mail', 'req-revoke'],
        entraUserId: ADELE.id,
        userPrincipalName: 'AdeleV@contoso.com',
        dryRun: false,
        graphCalls: [
          { method: 'GET', path: '/users', status: 200, requestId: 'req-lookup-mail' },
          { method: 'POST', path: `/users/${ADELE.id}/revokeSignInSessions`, status: 200, requestId: 'req-revoke' },
        ],
      },
    });
    expect((done?.detail.graphCalls as Array<{ clientRequestId: string }>)[0]?.clientRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('dry run', () => {
  it('makes no Graph or token call, sends no DM, and says so in every outcome', async () => {
    let asked = 0;
    const messenger: UserMessenger = { platform: 'slack', askWasThisYou: async () => ({ sent: !!++asked, detail: '' }) };
    const { service, store } = await setup({ dryRun: true, messengers: [messenger] });
    // nock has no interceptor: any outbound call would fail the action instead of returning dry-run.
    for (const kind of ['notify', 'revoke-sessions', 'suspend', 'unsuspend'] as const) {
      const out = await service.execute(req(kind));
      expect(out.status).toBe('dry-run');
      expect(out.message).toMatch(/^Dry run: would /);
      expect(out.message).toContain('nothing was changed');
      expect(out.requestIds).toEqual([]);
    }
    expect(asked).toBe(0);
    expect((await store.getAlert('alert-1'))?.status).toBe('open');
    expect((await store.listAudit('alert-1')).filter((r) => r.outcome === 'dry-run')).toHaveLength(4);
  });

  it('still dismisses (Vigil state only) and says dry run is on', async () => {
    const { service, store } = await setup({ dryRun: true });
    const out = await service.execute(req('dismiss'));
    expect(out.status).toBe('done');
    expect(out.warnings.join(' ')).toContain('Dry run is on');
    expect((await store.getAlert('alert-1'))?.status).toBe('dismissed');
  });
});

describe('without Entra ID configuration', () => {
  it('refuses the Graph actions with the settings to set', async () => {
    const { service } = await setup({ configured: false });
    for (const kind of ['revoke-sessions', 'suspend', 'unsuspend', 'notify'] as const) {
      const out = await service.execute(req(kind));
      expect(out.status).toBe('refused');
      expect(out.message).toContain('Entra ID is not configured: set ENTRA_TENANT_ID, ENTRA_CLIENT_ID, ENTRA_CLIENT_SECRET');
    }
  });

  it('dismisses with a status change only', async () => {
    const { service, store } = await setup({ configured: false });
    const out = await service.execute({ ...req('dismiss'), reason: 'known travel' });
    expect(out).toMatchObject({ status: 'done', message: 'Dismissed by alice: known travel.' });
    expect(await store.getAlert('alert-1')).toMatchObject({ status: 'dismissed', revision: 2 });
  });

  it('notifies through the chat messengers alone', async () => {
    const messenger: UserMessenger = { platform: 'teams', askWasThisYou: async () => ({ sent: true, detail: 'sent' }) };
    const { service } = await setup({ configured: false, messengers: [messenger] });
    const out = await service.execute(req('notify'));
    expect(out.status).toBe('done');
    expect(out.message).toContain('teams direct message');
    expect(out.message).toContain('No email sent: Entra ID is not configured');
  });
});

describe('token failures', () => {
  it('a rejected client secret becomes a readable failed outcome without the secret', async () => {
    const { service } = await setup();
    nock('https://login.microsoftonline.com')
      .post(`/${TENANT}/oauth2/v2.0/token`)
      .reply(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
    const out = await service.execute(req('suspend'));
    expect(out.status).toBe('failed');
    expect(out.message).toBe(
      'Could not look up adelev@contoso.com in Entra ID: Entra ID refused the client-credentials token request: invalid_client AADSTS7000215: Invalid client secret provided.',
    );
    expect(JSON.stringify(out)).not.toContain(CLIENT_SECRET);
  });
});

describe('bad input and unknown alerts', () => {
  it('rejects an invalid request with a clear error', async () => {
    const { service } = await setup();
    const err = await service.execute({ ...req('suspend'), kind: 'delete' as never }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as Error).message).toMatch(/^Invalid action request: kind:/);
  });

  it('refuses an action on an alert that does not exist', async () => {
    const { service } = await setup();
    const out = await service.execute(req('suspend', ALICE, 'no-such-alert'));
    expect(out).toMatchObject({ status: 'refused', message: 'Alert no-such-alert does not exist (it may have been pruned).' });
  });
});
