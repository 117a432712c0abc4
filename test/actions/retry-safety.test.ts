import { afterEach, describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import { entraSchema } from '../../src/actions/settings.js';
import type { ActionOutcome } from '../../src/domain/index.js';
import { fakeGraphEnv, graphUser, startFakeGraph, type FakeGraph, type GraphUser } from '../fakes/graph.js';
import { ALICE, BOB, captureLogger, makeAlert, req, storeWith } from './helpers.js';

/**
 * Finding 2 of issue 14: Graph answering after the client's timeout. The fake carries the call out and
 * answers late (as Graph does when it is slow), so the directory, not the HTTP answer, says what happened.
 */
const TIMEOUT_MS = 300; // the client's per-attempt timeout in these tests
const LATE_MS = 1_500; // the fake answers after this

let graph: FakeGraph | undefined;
afterEach(async () => graph?.close());

async function setup(user: GraphUser, sender = 'security@contoso.com') {
  graph = await startFakeGraph({ users: [user, graphUser({ mail: sender })] });
  const store = await storeWith(makeAlert({ actor: { id: 'acct-adele', email: user.mail!, name: 'Adele Vance' } }));
  const actions = createActionsService({
    env: entraSchema.parse(fakeGraphEnv(graph!, { ENTRA_NOTIFY_SENDER: sender, ENTRA_FOUR_EYES: 'false' })),
    store,
    log: captureLogger().log,
    dryRun: false,
    messengers: [],
    retry: { maxRetries: 4, baseDelayMs: 1, maxDelayMs: 5 },
    graphTimeoutMs: TIMEOUT_MS,
  });
  return { store, actions };
}

const callsTo = (g: FakeGraph, method: string, re: RegExp) => g.calls.filter((c) => c.method === method && re.test(c.path)).length;
const steps = async (store: Awaited<ReturnType<typeof storeWith>>) =>
  (await store.listAudit('alert-1')).filter((r) => r.outcome !== 'requested').map((r) => (r.detail as { steps?: unknown }).steps);

describe('actions are safe to retry, or are not retried', () => {
  it('sendMail answering late: sent once, outcome "unknown — check the mailbox", never sent again on a second click', async () => {
    const adele = graphUser({ mail: 'adelev@contoso.com' });
    const { actions, store } = await setup(adele);
    graph!.slow(/sendMail$/, 10, LATE_MS);
    const first: ActionOutcome = await actions.execute(req('notify'));
    expect(first.status).toBe('unknown');
    expect(first.message).toContain('unknown — check the mailbox');
    expect(first.message).not.toMatch(/failed/i);
    expect(callsTo(graph!, 'POST', /sendMail$/)).toBe(1);
    // Another responder presses Notify again: the email is not sent a second time.
    const second = await actions.execute(req('notify', BOB));
    expect(second.status).toBe('unknown');
    expect(callsTo(graph!, 'POST', /sendMail$/)).toBe(1);
    expect(graph!.sentMail).toHaveLength(1);
    expect(await store.getActionOutcome('alert-1', 'notify')).toMatchObject({ status: 'unknown' });
  });

  it('sendMail answered 202: a later click does not send a second email either', async () => {
    const { actions } = await setup(graphUser({ mail: 'adelev@contoso.com' }));
    expect((await actions.execute(req('notify'))).status).toBe('done');
    expect((await actions.execute(req('notify', BOB))).status).toBe('done'); // a final outcome is returned as is
    expect(callsTo(graph!, 'POST', /sendMail$/)).toBe(1);
  });

  it('sendMail throttled (429: not carried out) is retried; a 403 refusal leaves no record, so a fixed setup can send', async () => {
    const { actions } = await setup(graphUser({ mail: 'adelev@contoso.com' }));
    graph!.throttle(/sendMail$/, 1, 0);
    expect((await actions.execute(req('notify'))).status).toBe('done');
    expect(callsTo(graph!, 'POST', /sendMail$/)).toBe(2);
    expect(graph!.sentMail).toHaveLength(1);
  });

  it('disable PATCH answering late: the account is read back, the outcome is done, and the revoke step still runs', async () => {
    const adele = graphUser({ mail: 'adelev@contoso.com' });
    const { actions, store } = await setup(adele);
    graph!.slow(/ \/users\/[^/]+$/, 1, LATE_MS); // the PATCH only (lookups go to /users?$filter)
    const o = await actions.execute(req('suspend'));
    expect(o.status).toBe('done');
    expect(o.message).toContain('confirmed by reading the account back');
    expect(o.message).toContain('Revoked their sign-in sessions');
    expect(o.message).not.toMatch(/failed/i);
    expect(adele.accountEnabled).toBe(false);
    expect(callsTo(graph!, 'PATCH', /^\/users\/[^/]+$/)).toBe(1);
    expect(callsTo(graph!, 'POST', /revokeSignInSessions$/)).toBe(1);
    expect(await steps(store)).toEqual([[{ step: 'disable', result: 'confirmed-after-no-answer' }, { step: 'revoke-sessions', result: 'done' }]]);
  });

  it('revoke answering late: signInSessionsValidFromDateTime read back confirms it; one revoke call', async () => {
    const adele = graphUser({ mail: 'adelev@contoso.com' });
    const { actions } = await setup(adele);
    graph!.slow(/revokeSignInSessions$/, 1, LATE_MS);
    const o = await actions.execute(req('revoke-sessions'));
    expect(o.status).toBe('done');
    expect(o.message).toContain('confirmed by reading the account back');
    expect(callsTo(graph!, 'POST', /revokeSignInSessions$/)).toBe(1);
  });

  it('PATCH with no answer that did NOT take effect is sent once more (idempotent), then done', async () => {
    const adele = graphUser({ mail: 'adelev@contoso.com' });
    const { actions } = await setup(adele);
    graph!.slow(/ \/users\/[^/]+$/, 1, LATE_MS);
    // The late call is undone before the read-back sees it: as if Graph never applied it.
    let undone = false;
    const watcher = setInterval(() => {
      if (!undone && graph!.calls.some((c) => c.method === 'PATCH')) {
        adele.accountEnabled = true;
        undone = true;
      }
    }, 1);
    try {
      const o = await actions.execute(req('suspend'));
      expect(o.status).toBe('done');
      expect(o.message).not.toContain('confirmed by reading');
      expect(callsTo(graph!, 'PATCH', /^\/users\/[^/]+$/)).toBe(2);
      expect(adele.accountEnabled).toBe(false);
    } finally {
      clearInterval(watcher);
    }
  });

  it('a second click after an unknown suspend with a reachable directory acts on what the directory says', async () => {
    const adele = graphUser({ mail: 'adelev@contoso.com' });
    const { actions } = await setup(adele);
    // The PATCH and every read-back attempt (1 + 4 retries) answer late: nothing can be confirmed.
    graph!.slow(/ \/users\/[^/]+$/, 6, LATE_MS);
    const o = await actions.execute(req('suspend'));
    expect(o.status).toBe('unknown');
    expect(o.message).toContain('outcome unknown');
    expect(o.message).not.toMatch(/failed/i);
    expect(callsTo(graph!, 'PATCH', /^\/users\/[^/]+$/)).toBe(1);
    expect(callsTo(graph!, 'POST', /revokeSignInSessions$/)).toBe(0);
    // Graph is fast again; the responder presses Suspend again: the account is already disabled → done.
    const again = await actions.execute(req('suspend', ALICE));
    expect(again.status).toBe('done');
    expect(again.message).toContain('already disabled');
    expect(callsTo(graph!, 'PATCH', /^\/users\/[^/]+$/)).toBe(1);
    expect(callsTo(graph!, 'POST', /revokeSignInSessions$/)).toBe(1);
  });
});
