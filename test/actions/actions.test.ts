import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import type { UserMessenger } from '../../src/actions/types.js';
import { SESSION_WARNING, SYNC_WARNING } from '../../src/actions/messages.js';
import { FAST_RETRY, captureLogger, entraEnv, makeAlert, req, storeWith } from './helpers.js';
import { ADELE, CLIENT_SECRET, GRAPH, graphError, nockToken, nockUserFilter } from '../fakes/graph.js';

async function setup(opts: { env?: Record<string, string>; messengers?: UserMessenger[]; alert?: ReturnType<typeof makeAlert> } = {}) {
  const store = await storeWith(opts.alert);
  const { log, raw: lines } = captureLogger();
  const service = createActionsService({
    env: entraEnv({ ENTRA_FOUR_EYES: 'false', ...opts.env }),
    store,
    log,
    dryRun: false,
    messengers: opts.messengers ?? [],
    retry: FAST_RETRY,
    now: () => Date.UTC(2026, 10, 21, 9, 1),
  });
  return { store, service, lines };
}

describe('revoke-sessions', () => {
  it('posts revokeSignInSessions for the resolved user and marks the alert actioned', async () => {
    const { service, store, lines } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const call = nock(GRAPH)
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true }, { 'request-id': 'req-revoke' });
    const out = await service.execute(req('revoke-sessions'));
    call.done();
    expect(out).toMatchObject({ status: 'done', kind: 'revoke-sessions', requestIds: ['req-lookup-mail', 'req-revoke'] });
    expect(out.message).toBe('Revoked every refresh token and session of Adele Vance (AdeleV@contoso.com) in Entra ID: they must sign in again.');
    expect(out.warnings).toContain(SESSION_WARNING);
    const alert = await store.getAlert('alert-1');
    expect(alert).toMatchObject({ status: 'actioned', revision: 2 });
    expect(await store.pendingOutbox()).toEqual(['alert-1']);
    expect(await store.getActionOutcome('alert-1', 'revoke-sessions')).toEqual(out);
    expect(lines.join('')).not.toContain(CLIENT_SECRET);
    expect(lines.join('')).not.toContain('access-1');
  });

  it('turns a 403 into a readable failed outcome with the Graph code and request id', async () => {
    const { service, store } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH)
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(403, graphError('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'), { 'request-id': 'req-403' });
    const out = await service.execute(req('revoke-sessions'));
    expect(out.status).toBe('failed');
    expect(out.message).toContain('Could not revoke the sign-in sessions of Adele Vance (AdeleV@contoso.com).');
    expect(out.message).toContain('HTTP 403 Authorization_RequestDenied: Insufficient privileges to complete the operation.');
    expect(out.message).toContain('request-id req-403');
    expect(out.message).toContain('User.RevokeSessions.All');
    expect(out.requestIds).toContain('req-403');
    expect((await store.getAlert('alert-1'))?.status).toBe('open');
  });

  it('retries a 429 on the revoke and then succeeds', async () => {
    const { service } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const s = nock(GRAPH)
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(429, graphError('TooManyRequests', 'Too many requests'), { 'retry-after': '0' })
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(200, { value: true });
    expect((await service.execute(req('revoke-sessions'))).status).toBe('done');
    s.done();
  });
});

describe('suspend and unsuspend', () => {
  it('patches accountEnabled=false, then revokes sessions, with the sync warning for on-premises users', async () => {
    const synced = { ...ADELE, onPremisesSyncEnabled: true };
    const { service, store } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [synced]);
    const s = nock(GRAPH)
      .patch(`/v1.0/users/${ADELE.id}`, { accountEnabled: false })
      .matchHeader('content-type', 'application/json')
      .reply(204, undefined, { 'request-id': 'req-patch' })
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(200, { value: true }, { 'request-id': 'req-revoke' });
    const out = await service.execute(req('suspend'));
    s.done();
    expect(out.status).toBe('done');
    expect(out.message).toBe(
      'Disabled Adele Vance (AdeleV@contoso.com) in Entra ID (accountEnabled=false): no new sign-ins. Revoked their sign-in sessions.',
    );
    expect(out.warnings).toEqual([SESSION_WARNING, SYNC_WARNING]);
    expect(out.requestIds).toEqual(['req-lookup-mail', 'req-patch', 'req-revoke']);
    expect((await store.getAlert('alert-1'))?.status).toBe('actioned');
  });

  it('re-enables with accountEnabled=true, and a later suspend runs again instead of replaying the old outcome', async () => {
    const { service, store } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH).patch(`/v1.0/users/${ADELE.id}`, { accountEnabled: false }).reply(204).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });
    expect((await service.execute(req('suspend'))).status).toBe('done');

    nockUserFilter('mail', 'adelev@contoso.com', [{ ...ADELE, accountEnabled: false }]);
    const un = nock(GRAPH).patch(`/v1.0/users/${ADELE.id}`, { accountEnabled: true }).reply(204);
    const out = await service.execute(req('unsuspend'));
    un.done();
    expect(out.message).toBe('Re-enabled Adele Vance (AdeleV@contoso.com) in Entra ID (accountEnabled=true): they can sign in again.');
    expect(await store.getActionOutcome('alert-1', 'suspend')).toBeUndefined();

    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const again = nock(GRAPH).patch(`/v1.0/users/${ADELE.id}`, { accountEnabled: false }).reply(204).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });
    expect((await service.execute(req('suspend'))).status).toBe('done');
    again.done();
  });

  it('reports a synced user rejected by Graph (400 on-premises mastered) with a hint', async () => {
    const { service } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [{ ...ADELE, onPremisesSyncEnabled: true }]);
    nock(GRAPH)
      .patch(`/v1.0/users/${ADELE.id}`)
      .reply(400, graphError('Request_BadRequest', 'Unable to update the specified properties for on-premises mastered Directory Sync objects or objects currently undergoing migration.'));
    const out = await service.execute(req('suspend'));
    expect(out.status).toBe('failed');
    expect(out.message).toContain('Request_BadRequest');
    expect(out.message).toContain('make the change there');
  });
});

describe('notify', () => {
  const slack: UserMessenger & { asked: string[] } = {
    platform: 'slack',
    asked: [],
    async askWasThisYou({ email }) {
      this.asked.push(email);
      return { sent: true, detail: 'DM sent' };
    },
  };

  it('sends the documented sendMail request from ENTRA_NOTIFY_SENDER and asks every messenger', async () => {
    slack.asked = [];
    const { service, store } = await setup({ messengers: [slack] });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    let sent: Record<string, any> = {};
    const mail = nock(GRAPH)
      .post('/v1.0/users/security@contoso.com/sendMail', (body) => {
        sent = body;
        return true;
      })
      .reply(202, '', { 'request-id': 'req-mail' });
    const out = await service.execute(req('notify'));
    mail.done();
    expect(sent.saveToSentItems).toBe(false);
    expect(sent.message.toRecipients).toEqual([{ emailAddress: { address: 'AdeleV@contoso.com' } }]);
    expect(sent.message.subject).toBe('Security alert: Impossible travel for Adele Vance');
    expect(sent.message.body.contentType).toBe('Text');
    expect(sent.message.body.content).toContain('Logins from Germany and Brazil 40 minutes apart');
    expect(sent.message.body.content).toContain('Distance: 9,800 km');
    expect(slack.asked).toEqual(['adelev@contoso.com']);
    expect(out.status).toBe('done');
    expect(out.message).toBe(
      'Notified adelev@contoso.com: email to Adele Vance (AdeleV@contoso.com) from security@contoso.com and slack direct message.',
    );
    // Notify leaves the status open: the other buttons stay live (the card shows the outcome).
    expect(await store.getAlert('alert-1')).toMatchObject({ status: 'open', revision: 2 });
  });

  it('fails readably when both the email and the DM fail', async () => {
    const broken: UserMessenger = { platform: 'slack', askWasThisYou: async () => ({ sent: false, detail: 'users_not_found' }) };
    const { service } = await setup({ messengers: [broken] });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nock(GRAPH).post('/v1.0/users/security@contoso.com/sendMail').reply(403, graphError('ErrorAccessDenied', 'Access to OData is disabled.'));
    const out = await service.execute(req('notify'));
    expect(out.status).toBe('failed');
    expect(out.message).toContain('ErrorAccessDenied');
    expect(out.message).toContain('No slack direct message: users_not_found');
  });
});
