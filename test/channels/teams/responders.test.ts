import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { createGraphClient } from '../../../src/actions/graph/client.js';
import { createResponderCheck, graphCheckMemberGroups, parseResponders } from '../../../src/channels/teams/responders.js';
import { teamsSchema } from '../../../src/channels/teams/settings.js';
import { createLogger } from '../../../src/log.js';

const USER = '0f0f0f0f-1111-2222-3333-444444444444';
const MEMBER = '1a1a1a1a-1111-2222-3333-444444444444';
const STRANGER = '2b2b2b2b-1111-2222-3333-444444444444';
const GROUP = '3c3c3c3c-1111-2222-3333-444444444444';
const log = createLogger('silent');

describe('TEAMS_RESPONDERS', () => {
  it('parses user object ids and group:<id>, and reports anything else', () => {
    const { list, problems } = parseResponders([USER.toUpperCase(), `group:${GROUP}`, 'alice@example.com']);
    expect([...list.users]).toEqual([USER]);
    expect(list.groups).toEqual([GROUP]);
    expect(problems).toEqual(['"alice@example.com" is not an Entra object id (a GUID) or group:<GUID>']);
  });

  it('config refuses a half-configured bot and bad responder entries, naming each variable', () => {
    const r = teamsSchema.safeParse({ MICROSOFT_APP_ID: '11111111-2222-3333-4444-555555555555', TEAMS_RESPONDERS: 'bob' });
    expect(r.success).toBe(false);
    const vars = r.error!.issues.map((i) => i.path[0]);
    expect(vars).toEqual(expect.arrayContaining(['MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID', 'TEAMS_RESPONDERS']));
    expect(teamsSchema.safeParse({}).success).toBe(true);
  });

  it('listed users pass; others and missing ids fail, without asking Graph', async () => {
    const check = createResponderCheck({ responders: [USER], log });
    expect(await check(USER)).toBe(true);
    expect(await check(STRANGER)).toBe(false);
    expect(await check(undefined)).toBe(false);
  });

  it('group members pass via Graph checkMemberGroups (cached), non-members and Graph failures fail', async () => {
    let t = 0;
    const graph = createGraphClient({ baseUrl: 'https://graph.microsoft.com/v1.0', tokens: { get: async () => 'graph-token', invalidate: () => undefined } as never, retry: { maxRetries: 0 } });
    const check = createResponderCheck({ responders: [`group:${GROUP}`], checkMemberGroups: graphCheckMemberGroups(graph), log, now: () => t });
    const scope = nock('https://graph.microsoft.com')
      .post(`/v1.0/users/${MEMBER}/checkMemberGroups`, { groupIds: [GROUP] })
      .matchHeader('authorization', 'Bearer graph-token')
      .reply(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Collection(Edm.String)', value: [GROUP] })
      .post(`/v1.0/users/${STRANGER}/checkMemberGroups`, { groupIds: [GROUP] })
      .reply(200, { value: [] })
      .post(`/v1.0/users/${USER}/checkMemberGroups`)
      .reply(403, { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } });
    expect(await check(MEMBER)).toBe(true);
    expect(await check(MEMBER)).toBe(true); // cached: one Graph call
    expect(await check(STRANGER)).toBe(false);
    expect(await check(USER)).toBe(false); // Graph refused: fail closed
    expect(scope.isDone()).toBe(true);
    t += 10 * 60_000; // cache expired: Graph is asked again
    nock('https://graph.microsoft.com').post(`/v1.0/users/${MEMBER}/checkMemberGroups`).reply(200, { value: [] });
    expect(await check(MEMBER)).toBe(false);
  });

  it('a group without Graph configured denies (and does not throw)', async () => {
    const check = createResponderCheck({ responders: [`group:${GROUP}`], log });
    expect(await check(MEMBER)).toBe(false);
  });
});
