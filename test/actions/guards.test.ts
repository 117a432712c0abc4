import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import { ALICE, BOB, FAST_RETRY, captureLogger, entraEnv, req, storeWith } from './helpers.js';
import { ADELE, GRAPH, nockMemberOf, nockToken, nockUserFilter } from '../fakes/graph.js';

async function setup(env: Record<string, string> = {}) {
  const store = await storeWith();
  const service = createActionsService({ env: entraEnv(env), store, log: captureLogger().log, dryRun: false, retry: FAST_RETRY });
  return { store, service };
}

const GUEST = {
  ...ADELE,
  id: 'c0ffee00-0000-4000-8000-00000000000a',
  userPrincipalName: 'adelev_contoso.com#EXT#@fabrikam.onmicrosoft.com',
  userType: 'Guest',
};

describe('protected users', () => {
  it('refuses to suspend a user listed by UPN, without any write', async () => {
    const { service, store } = await setup({ ENTRA_PROTECTED_USERS: 'adelev@contoso.com', ENTRA_FOUR_EYES: 'false' });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const out = await service.execute(req('suspend'));
    expect(out.status).toBe('refused');
    expect(out.message).toBe('Adele Vance (AdeleV@contoso.com) is protected and is never suspended: AdeleV@contoso.com is in ENTRA_PROTECTED_USERS.');
    expect((await store.getAlert('alert-1'))?.status).toBe('open');
  });

  it('refuses to suspend a member of a protected group (transitiveMemberOf)', async () => {
    const group = 'aaaaaaaa-0000-4000-8000-000000000001';
    const { service } = await setup({ ENTRA_PROTECTED_USERS: `group:${group}`, ENTRA_FOUR_EYES: 'false' });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const m = nockMemberOf(ADELE.id, [{ type: 'group', id: group }]);
    const out = await service.execute(req('suspend'));
    m.done();
    expect(out.status).toBe('refused');
    expect(out.message).toContain(`member of protected group ${group}`);
  });

  it('suspends a user who is not protected (negative case)', async () => {
    const { service } = await setup({ ENTRA_PROTECTED_USERS: 'someone-else@contoso.com', ENTRA_FOUR_EYES: 'false' });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const s = nock(GRAPH).patch(`/v1.0/users/${ADELE.id}`, { accountEnabled: false }).reply(204).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });
    expect((await service.execute(req('suspend'))).status).toBe('done');
    s.done();
  });
});

describe('guests', () => {
  it('refuses revoke-sessions for a guest, with no revoke call', async () => {
    const { service } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [GUEST]);
    const out = await service.execute(req('revoke-sessions'));
    expect(out.status).toBe('refused');
    expect(out.message).toContain('is a guest (B2B) user');
  });
});

describe('user resolution refusals', () => {
  it('refuses when no Entra user matches', async () => {
    const { service } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', []);
    nockUserFilter('userPrincipalName', 'adelev@contoso.com', []);
    const out = await service.execute(req('revoke-sessions'));
    expect(out.status).toBe('refused');
    expect(out.message).toContain('No Entra ID user matches adelev@contoso.com');
    expect(out.message).toContain('ENTRA_DOMAIN_MAP');
  });

  it('refuses when two Entra users match', async () => {
    const { service } = await setup();
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE, { ...ADELE, id: 'second-id', userPrincipalName: 'adele2@contoso.com' }]);
    const out = await service.execute(req('suspend'));
    expect(out.status).toBe('refused');
    expect(out.message).toContain('2 Entra ID users match adelev@contoso.com');
    expect(out.message).toContain('Refusing to guess');
  });
});

describe('four-eyes for administrators', () => {
  const adminRoles = () => nockMemberOf(ADELE.id, [{ type: 'directoryRole', id: 'role-user-admin' }]);

  it('holds an admin suspend for a second responder, then performs it on their approval', async () => {
    const { service, store } = await setup({ ENTRA_FOUR_EYES: 'true' });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    adminRoles();
    const first = await service.execute(req('suspend', ALICE));
    expect(first.status).toBe('pending-approval');
    expect(first.message).toContain("needs a second responder's approval");
    // Status stays open so a second responder still has a live Suspend button; the revision bump redraws the card.
    expect(await store.getAlert('alert-1')).toMatchObject({ status: 'open', revision: 2 });

    // The same responder clicking again does not count as a second pair of eyes (and calls nothing).
    expect(await service.execute(req('suspend', ALICE))).toEqual(first);

    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    adminRoles();
    const writes = nock(GRAPH)
      .patch(`/v1.0/users/${ADELE.id}`, { accountEnabled: false })
      .reply(204)
      .post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`)
      .reply(200, { value: true });
    const second = await service.execute(req('suspend', BOB));
    writes.done();
    expect(second.status).toBe('done');
    expect(second.by).toEqual(BOB);
    expect(second.message).toContain('Requested by alice, approved by bob.');
    const audit = await store.listAudit('alert-1');
    expect(audit.at(-1)?.detail).toMatchObject({ requestedBy: 'slack:U0ALICE', approvedBy: 'slack:U0BOB' });
  });

  it('lets an unapproved request lapse after a day: the next click is a new request, not an approval', async () => {
    let t = Date.UTC(2026, 10, 21, 9, 0);
    const store = await storeWith();
    const service = createActionsService({ env: entraEnv({ ENTRA_FOUR_EYES: 'true' }), store, log: captureLogger().log, dryRun: false, retry: FAST_RETRY, now: () => t });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    adminRoles();
    expect((await service.execute(req('suspend', ALICE))).status).toBe('pending-approval');
    t += 24 * 3600_000 + 1;
    nockToken(); // the cached token expired meanwhile
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    adminRoles();
    const late = await service.execute(req('suspend', BOB));
    expect(late.status).toBe('pending-approval');
    expect(late.by).toEqual(BOB);
    expect((await store.listAudit('alert-1')).at(-2)?.detail).toMatchObject({ previous: 'pending-approval', approvalLapsed: true });
  });

  it('does not ask for approval for a non-admin', async () => {
    const { service } = await setup({ ENTRA_FOUR_EYES: 'true' });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    nockMemberOf(ADELE.id, [{ type: 'group', id: 'g-staff' }]);
    const w = nock(GRAPH).patch(`/v1.0/users/${ADELE.id}`).reply(204).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });
    expect((await service.execute(req('suspend', ALICE))).status).toBe('done');
    w.done();
  });

  it('suspends an admin at once when ENTRA_FOUR_EYES=false (no membership lookup)', async () => {
    const { service } = await setup({ ENTRA_FOUR_EYES: 'false' });
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const w = nock(GRAPH).patch(`/v1.0/users/${ADELE.id}`).reply(204).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });
    expect((await service.execute(req('suspend', ALICE))).status).toBe('done');
    w.done();
  });
});
