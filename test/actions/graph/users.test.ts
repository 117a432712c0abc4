import { describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/actions/graph/client.js';
import { createTokenProvider } from '../../../src/actions/graph/token.js';
import { candidateAddresses, getMemberships, resolveUser } from '../../../src/actions/graph/users.js';
import { isAdmin, parseProtectedList, protectedReason } from '../../../src/actions/guards.js';
import nock from 'nock';
import { FAST_RETRY } from '../helpers.js';
import { ADELE, CLIENT_ID, CLIENT_SECRET, GRAPH, LOGIN, TENANT, nockMemberOf, nockToken, nockUserFilter } from '../../fakes/graph.js';

function graph() {
  nockToken();
  const tokens = createTokenProvider({
    authorityHost: LOGIN,
    tenantId: TENANT,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scope: 'https://graph.microsoft.com/.default',
  });
  return createGraphClient({ baseUrl: `${GRAPH}/v1.0`, tokens, retry: FAST_RETRY });
}

describe('resolveUser', () => {
  it('finds the user by mail first', async () => {
    const s = nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const r = await resolveUser(graph(), 'adelev@contoso.com', []);
    expect(r).toEqual({ kind: 'found', user: ADELE, matchedBy: "mail eq 'adelev@contoso.com'" });
    s.done();
  });

  it('falls back to userPrincipalName when no mail matches', async () => {
    const a = nockUserFilter('mail', 'adelev@contoso.com', []);
    const b = nockUserFilter('userPrincipalName', 'adelev@contoso.com', [ADELE]);
    const r = await resolveUser(graph(), 'adelev@contoso.com', []);
    expect(r.kind).toBe('found');
    a.done();
    b.done();
  });

  it('tries the mapped Entra domain from ENTRA_DOMAIN_MAP', async () => {
    nockUserFilter('mail', 'adelev@contoso.com', []);
    nockUserFilter('userPrincipalName', 'adelev@contoso.com', []);
    nockUserFilter('mail', 'adelev@contoso.onmicrosoft.com', []);
    const s = nockUserFilter('userPrincipalName', 'adelev@contoso.onmicrosoft.com', [ADELE]);
    const r = await resolveUser(graph(), 'adelev@contoso.com', ['contoso.com=contoso.onmicrosoft.com']);
    expect(r).toMatchObject({ kind: 'found', matchedBy: "userPrincipalName eq 'adelev@contoso.onmicrosoft.com'" });
    s.done();
  });

  it('reports zero matches with every filter tried', async () => {
    nockUserFilter('mail', 'ghost@contoso.com', []);
    nockUserFilter('userPrincipalName', 'ghost@contoso.com', []);
    expect(await resolveUser(graph(), 'ghost@contoso.com', [])).toEqual({
      kind: 'none',
      tried: ["mail eq 'ghost@contoso.com'", "userPrincipalName eq 'ghost@contoso.com'"],
    });
  });

  it('reports several matches as ambiguous instead of guessing', async () => {
    const twin = { ...ADELE, id: 'b1c2d3e4-0000-4000-8000-000000000002', userPrincipalName: 'adele.admin@contoso.com' };
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE, twin]);
    const r = await resolveUser(graph(), 'adelev@contoso.com', []);
    expect(r.kind).toBe('ambiguous');
    expect(r.kind === 'ambiguous' && r.users.map((u) => u.id)).toEqual([ADELE.id, twin.id]);
  });

  it("escapes a quote in the address as an OData literal ('')", async () => {
    const s = nockUserFilter('mail', "o'brien@contoso.com", [{ ...ADELE, mail: "o'brien@contoso.com" }]);
    expect((await resolveUser(graph(), "o'brien@contoso.com", [])).kind).toBe('found');
    s.done();
  });

  it('builds candidates only for a mapped domain, case-insensitively', () => {
    expect(candidateAddresses('Jo@Example.com', ['example.com=example.onmicrosoft.com', 'other.com=x.com'])).toEqual([
      'Jo@Example.com',
      'Jo@example.onmicrosoft.com',
    ]);
    expect(candidateAddresses('jo@elsewhere.org', ['example.com=example.onmicrosoft.com'])).toEqual(['jo@elsewhere.org']);
  });
});

describe('memberships and guards', () => {
  it('reads directory roles and groups from transitiveMemberOf, following nextLink', async () => {
    nock(GRAPH)
      .get(`/v1.0/users/${ADELE.id}/transitiveMemberOf`)
      .query({ $top: '999' })
      .reply(200, {
        value: [{ '@odata.type': '#microsoft.graph.group', id: 'g-1' }],
        '@odata.nextLink': `https://graph.microsoft.com/v1.0/users/${ADELE.id}/transitiveMemberOf?$top=999&$skiptoken=abc`,
      });
    nock(GRAPH)
      .get(`/v1.0/users/${ADELE.id}/transitiveMemberOf`)
      .query({ $top: '999', $skiptoken: 'abc' })
      .reply(200, {
        value: [
          { '@odata.type': '#microsoft.graph.directoryRole', id: 'r-1' },
          { '@odata.type': '#microsoft.graph.administrativeUnit', id: 'au-1' },
        ],
      });
    const m = await getMemberships(graph(), ADELE.id);
    expect(m).toEqual({ directoryRoleIds: ['r-1'], groupIds: ['g-1'] });
    expect(isAdmin(m)).toBe(true);
    expect(isAdmin({ directoryRoleIds: [], groupIds: ['g-1'] })).toBe(false);
  });

  it('matches protected users by id, UPN, mail and group, and nobody else', () => {
    const list = parseProtectedList([ADELE.id.toUpperCase(), 'BreakGlass@contoso.com', 'group:AAAAAAAA-0000-4000-8000-000000000001']);
    expect(protectedReason(list, ADELE as never)).toContain('object id');
    const bg = { ...ADELE, id: 'other', userPrincipalName: 'breakglass@contoso.com', mail: null };
    expect(protectedReason(list, bg as never)).toContain('breakglass@contoso.com');
    const member = { ...ADELE, id: 'x', userPrincipalName: 'x@contoso.com', mail: 'x@contoso.com' };
    expect(protectedReason(list, member as never, { directoryRoleIds: [], groupIds: ['aaaaaaaa-0000-4000-8000-000000000001'] })).toContain(
      'protected group',
    );
    expect(protectedReason(list, member as never, { directoryRoleIds: ['r'], groupIds: ['g-other'] })).toBeUndefined();
  });

  it('reads a single page without nextLink', async () => {
    const s = nockMemberOf(ADELE.id, [{ type: 'directoryRole', id: 'r-9' }]);
    expect(await getMemberships(graph(), ADELE.id)).toEqual({ directoryRoleIds: ['r-9'], groupIds: [] });
    s.done();
  });
});
