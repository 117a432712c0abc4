import { afterEach, describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import { identify, samePerson, type Person } from '../../src/actions/four-eyes.js';
import { entraSchema } from '../../src/actions/settings.js';
import type { ActionRequest } from '../../src/domain/index.js';
import { fakeGraphEnv, graphUser, startFakeGraph, type FakeGraph } from '../fakes/graph.js';
import { captureLogger, makeAlert, storeWith } from './helpers.js';

/**
 * Issue 14 #6: four-eyes counts people, not clicks. One person clicking Suspend in Slack and again in Teams is
 * one responder; an identity Vigil cannot resolve is never counted as the second person across platforms.
 * Real actions service against the loopback fake Graph (documented shapes).
 */
let graph: FakeGraph | undefined;
afterEach(async () => graph?.close());

const ADMIN = graphUser({ mail: 'adelev@contoso.com', displayName: 'Adele Vance', directoryRoles: ['role-user-admin'] });
const ALICE_ENTRA = graphUser({ mail: 'alice@contoso.com', displayName: 'Alice Admin' });
const BOB_ENTRA = graphUser({ mail: 'bob@contoso.com', displayName: 'Bob Responder' });

type By = ActionRequest['by'];
const slack = (id: string, name: string, email?: string): By => ({ platform: 'slack', id, name, ...(email ? { email } : {}) });
const teams = (oid: string, name: string): By => ({ platform: 'teams', id: oid, name, entraId: oid });

const ALICE_SLACK = slack('U0ALICE', 'alice', 'Alice@Contoso.com');
const ALICE_TEAMS = teams(ALICE_ENTRA.id, 'Alice Admin');
const BOB_TEAMS = teams(BOB_ENTRA.id, 'Bob Responder');
const BOB_SLACK = slack('U0BOB', 'bob', 'bob@contoso.com');

async function setup() {
  graph = await startFakeGraph({ users: [ADMIN, ALICE_ENTRA, BOB_ENTRA].map((u) => ({ ...u })) }); // the fake changes its users
  const store = await storeWith(makeAlert({ actor: { id: 'acct-adele', email: ADMIN.mail!, name: 'Adele Vance' } }));
  const actions = createActionsService({
    env: entraSchema.parse(fakeGraphEnv(graph, { ENTRA_FOUR_EYES: 'true' })),
    store,
    log: captureLogger().log,
    dryRun: false,
    messengers: [],
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 5 },
  });
  const suspend = (by: By) => actions.execute({ alertId: 'alert-1', kind: 'suspend', by, reason: 'compromised', requestedAt: Date.UTC(2026, 10, 21, 9, 0) });
  const disables = () => graph!.calls.filter((c) => c.method === 'PATCH').length;
  const lastAudit = async () => (await store.listAudit('alert-1')).at(-1)!;
  return { store, suspend, disables, lastAudit };
}

describe('four-eyes across Slack and Teams', () => {
  it('the same person in Slack and then in Teams is one responder: the suspension still waits for a second person', async () => {
    const { store, suspend, disables, lastAudit } = await setup();
    expect((await suspend(ALICE_SLACK)).status).toBe('pending-approval');

    const again = await suspend(ALICE_TEAMS);
    expect(again.status).toBe('pending-approval');
    expect(again.message).toContain('Still waiting for a second responder');
    expect(again.message).toContain(`the same Entra user ${ALICE_ENTRA.id}`);
    expect(disables()).toBe(0);
    // The stored request is still Alice's Slack request: Alice cannot now approve it from Slack either.
    expect(await store.getActionOutcome('alert-1', 'suspend')).toMatchObject({ status: 'pending-approval', by: ALICE_SLACK });
    const audit = await lastAudit();
    expect(audit).toMatchObject({ outcome: 'not-counted', by: `Alice Admin (teams:${ALICE_ENTRA.id})` });
    expect(audit.detail).toMatchObject({
      fourEyes: {
        verdict: 'same',
        requester: { platform: 'slack', id: 'U0ALICE', entraId: ALICE_ENTRA.id, addresses: ['alice@contoso.com'] },
        approver: { platform: 'teams', id: ALICE_ENTRA.id, entraId: ALICE_ENTRA.id, addresses: ['alice@contoso.com'] },
      },
    });
    expect((await suspend(ALICE_SLACK)).status).toBe('pending-approval');
    expect(disables()).toBe(0);

    // A different person in Teams approves: the account is disabled once, and the audit names both people.
    const done = await suspend(BOB_TEAMS);
    expect(done.status).toBe('done');
    expect(done.message).toContain('Requested by alice, approved by Bob Responder.');
    expect(disables()).toBe(1);
    expect((await lastAudit()).detail).toMatchObject({
      requestedBy: 'slack:U0ALICE',
      approvedBy: `teams:${BOB_ENTRA.id}`,
      fourEyes: { verdict: 'different', requester: { entraId: ALICE_ENTRA.id }, approver: { entraId: BOB_ENTRA.id, addresses: ['bob@contoso.com'] } },
    });
    expect((await store.listAudit('alert-1')).find((r) => r.outcome === 'requested')?.by).toBe('alice (slack:U0ALICE, Alice@Contoso.com)');
  });

  it('two different people (Teams first, then Slack) proceed; the email case does not matter', async () => {
    const { suspend, disables } = await setup();
    expect((await suspend(ALICE_TEAMS)).status).toBe('pending-approval');
    // Alice again from Slack, her address in other letter case: the same person.
    expect((await suspend(slack('U0ALICE', 'alice', 'ALICE@CONTOSO.COM'))).message).toContain('Still waiting');
    expect(disables()).toBe(0);
    expect((await suspend(BOB_SLACK)).status).toBe('done');
    expect(disables()).toBe(1);
  });

  it('an identity that cannot be resolved is not counted as the second person across platforms', async () => {
    const { store, suspend, disables, lastAudit } = await setup();
    // Slack gave no email (users:read.email not granted): the requester cannot be matched to a person.
    const noEmail = slack('U0ALICE', 'alice');
    expect((await suspend(noEmail)).status).toBe('pending-approval');
    const bob = await suspend(BOB_TEAMS);
    expect(bob.status).toBe('pending-approval');
    expect(bob.message).toContain('could not confirm that you are not alice');
    expect(disables()).toBe(0);
    expect(await lastAudit()).toMatchObject({ outcome: 'not-counted', detail: { fourEyes: { verdict: 'unknown', reason: expect.stringContaining('users:read.email') } } });
    expect(await store.getActionOutcome('alert-1', 'suspend')).toMatchObject({ by: noEmail });

    // A second responder on the requester's own platform needs no lookup: the Slack user ids differ.
    expect((await suspend(BOB_SLACK)).status).toBe('done');
    expect(disables()).toBe(1);
  });

  it('an email that matches no Entra user is never "different", only unknown', async () => {
    const { suspend, disables, lastAudit } = await setup();
    expect((await suspend(ALICE_TEAMS)).status).toBe('pending-approval');
    const carol = await suspend(slack('U0CAROL', 'carol', 'carol@personal.example'));
    expect(carol.status).toBe('pending-approval');
    expect((await lastAudit()).detail).toMatchObject({ fourEyes: { verdict: 'unknown', reason: expect.stringContaining('no Entra ID user matches carol@personal.example') } });
    expect(disables()).toBe(0);
    expect((await suspend(BOB_TEAMS)).status).toBe('done');
    expect(disables()).toBe(1);
  });

  it('a failed directory lookup is not counted either', async () => {
    const { suspend, disables, lastAudit } = await setup();
    expect((await suspend(ALICE_TEAMS)).status).toBe('pending-approval');
    graph!.throttle(/^GET \/users$/, 10, 0); // every lookup by email answers 429 (no retries in this setup)
    expect((await suspend(BOB_SLACK)).status).toBe('pending-approval');
    expect(disables()).toBe(0);
    expect((await lastAudit()).detail).toMatchObject({ fourEyes: { verdict: 'unknown', approver: { unresolved: expect.stringContaining('bob@contoso.com') } } });
  });
});

describe('who is the same person (pure rules)', () => {
  const person = (over: Partial<Person> & Pick<Person, 'platform' | 'id'>): Person => ({ addresses: [], ...over });

  it('same platform: the user id decides; across platforms: Entra object id or any address', () => {
    expect(samePerson(person({ platform: 'slack', id: 'U1' }), person({ platform: 'slack', id: 'U1' })).verdict).toBe('same');
    expect(samePerson(person({ platform: 'slack', id: 'U1' }), person({ platform: 'slack', id: 'U2' })).verdict).toBe('different');
    const a = person({ platform: 'slack', id: 'U1', entraId: 'e-1', addresses: ['a@x.example'] });
    expect(samePerson(a, person({ platform: 'teams', id: 'e-1', entraId: 'e-1' })).verdict).toBe('same');
    expect(samePerson(a, person({ platform: 'teams', id: 'e-2', entraId: 'e-2', addresses: ['a@x.example'] })).verdict).toBe('same');
    expect(samePerson(a, person({ platform: 'teams', id: 'e-2', entraId: 'e-2', addresses: ['b@x.example'] })).verdict).toBe('different');
    // Without an Entra id on one side, no shared address means "cannot tell", never "different".
    expect(samePerson(person({ platform: 'slack', id: 'U1', addresses: ['a@x.example'] }), person({ platform: 'teams', id: 'e-2', entraId: 'e-2' })).verdict).toBe('unknown');
  });

  it('addresses and object ids are compared without regard to letter case', async () => {
    const s = await identify(slack('U1', 'a', ' Alice@Contoso.COM '), { graph: undefined, domainMap: [] });
    expect(s).toMatchObject({ addresses: ['alice@contoso.com'], unresolved: expect.stringContaining('not configured') });
    const t = await identify(teams('ABCDEF01-0000-4000-8000-000000000001', 'a'), { graph: undefined, domainMap: [] });
    expect(t.entraId).toBe('abcdef01-0000-4000-8000-000000000001');
    expect(samePerson(s, { ...t, addresses: ['alice@contoso.com'] }).verdict).toBe('same');
    expect(samePerson({ ...s, entraId: 'abcdef01-0000-4000-8000-000000000001' }, t).verdict).toBe('same');
  });
});
