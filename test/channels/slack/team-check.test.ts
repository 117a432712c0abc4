import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionsService } from '../../../src/actions/execute.js';
import { createSlackIntegration } from '../../../src/channels/slack/index.js';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { slackSchema } from '../../../src/channels/slack/settings.js';
import { foreignReason, installationFrom, installationGuard, originOf } from '../../../src/channels/slack/team-check.js';
import { ConfigError } from '../../../src/domain/errors.js';
import { createHttpApp } from '../../../src/runtime/server.js';
import { createMemoryKV } from '../../../src/store/kv.js';
import { createStore } from '../../../src/store/store.js';
import { FAST_RETRY, captureLogger, entraEnv, makeAlert } from '../../actions/helpers.js';
import { ADELE, GRAPH, nockToken, nockUserFilter } from '../../fakes/graph.js';
import { startFakeSlack } from '../../fakes/slack.js';
import { BOT_TOKEN, blockAction, fakeActions, interactivity, postSigned, sampleAlert, silentLog, slashCommand, suspendSubmission } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

/** Issue 14 #5: a Slack request is served only when it comes from the installed workspace / Enterprise Grid org. */
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const CARD = { channel: 'C0ALERTS', ts: '1700000000.000001' };
const ORG_WIDE_AUTH = { ok: true, url: 'https://acme-org.enterprise.slack.com/', team: 'Acme', user: 'vigil', team_id: 'E0ORG', enterprise_id: 'E0ORG', is_enterprise_install: true, user_id: 'U0BOT', bot_id: 'B0BOT' };

async function seed(harness: Harness, alert = sampleAlert()) {
  await harness.store.saveAlerts([alert]);
  await harness.store.saveDelivery({ channel: 'slack', alertId: alert.id, revision: 1, ref: CARD, attempts: 0, deliveredAt: 1 });
  harness.slack.seed({ ...CARD, text: alert.title });
  return alert;
}

/** A block action as Slack sends it from `team` (null for an org-wide install) and, in Enterprise Grid, `enterprise`. */
function clickFrom(origin: { team: string | null; enterprise?: string }, actionId: string, value = 'al_travel_1') {
  const base = blockAction({ user: 'U0ALICE', actionId, value, ...CARD });
  return interactivity({
    ...base,
    team: origin.team === null ? null : { id: origin.team, domain: 'x', ...(origin.enterprise ? { enterprise_id: origin.enterprise } : {}) },
    user: { ...base.user, team_id: origin.team ?? origin.enterprise },
    ...(origin.enterprise ? { enterprise: { id: origin.enterprise, name: 'Org' }, is_enterprise_install: origin.team === null } : {}),
  });
}

function commandFrom(team: string, text: string, responseUrl: string, enterprise?: string) {
  const form = new URLSearchParams(slashCommand(text, 'U0ALICE', responseUrl));
  form.set('team_id', team);
  if (enterprise) form.set('enterprise_id', enterprise);
  return form.toString();
}

const submissionFrom = (team: string, meta: string) => suspendSubmission(meta, { team });

const sideEffects = (x: Harness) => x.slack.calls.filter((c) => !['auth.test'].includes(c.method));

describe('where a Slack payload says it comes from (docs.slack.dev payload shapes)', () => {
  it('reads team and enterprise from interactivity, slash commands and events', () => {
    expect(originOf({ type: 'block_actions', team: { id: 'T1', enterprise_id: 'E1' }, user: { id: 'U1' } })).toEqual({ teamId: 'T1', enterpriseId: 'E1' });
    // Org-wide install: team is null, the org comes in `enterprise`; user.team_id (an E… id here) is not a workspace.
    expect(originOf({ type: 'view_submission', team: null, enterprise: { id: 'E1' }, is_enterprise_install: true, user: { id: 'U1', team_id: 'E1' } })).toEqual({ teamId: undefined, enterpriseId: 'E1' });
    expect(originOf({ command: '/vigil', team_id: 'T1', enterprise_id: 'E1', is_enterprise_install: 'false' })).toEqual({ teamId: 'T1', enterpriseId: 'E1' });
    // Events: the installation in authorizations[0] wins over the top-level team (Slack Connect channels).
    expect(originOf({ type: 'event_callback', team_id: 'T9', event: {}, authorizations: [{ team_id: 'T1', enterprise_id: null }] })).toEqual({ teamId: 'T1', enterpriseId: undefined });
    expect(originOf({ type: 'event_callback', team_id: 'T2', enterprise_id: 'E2', event: {} })).toEqual({ teamId: 'T2', enterpriseId: 'E2' });
    // Hostile shapes name nothing (and therefore match no installation).
    for (const junk of [null, 'x', [], { team: 'T1' }, { team: { id: 5 } }, { command: '/vigil', team_id: ['T1'] }]) expect(originOf(junk)).toEqual({ teamId: undefined, enterpriseId: undefined });
  });

  it('a workspace install serves its workspace only; an org-wide install any workspace of its org', () => {
    const ws = { teamId: 'T1', enterpriseId: 'E1' };
    expect(foreignReason(ws, { teamId: 'T1', enterpriseId: 'E1' })).toBeUndefined();
    expect(foreignReason(ws, { teamId: 'T1' })).toBeUndefined();
    expect(foreignReason(ws, { teamId: 'T2', enterpriseId: 'E1' })).toBe('workspace T2 is not the installed workspace T1');
    expect(foreignReason(ws, { enterpriseId: 'E1' })).toBe('workspace (none) is not the installed workspace T1');
    expect(foreignReason(ws, { teamId: 'T1', enterpriseId: 'E2' })).toBe('enterprise E2 is not the installed org E1');
    const org = { enterpriseId: 'E1' };
    expect(foreignReason(org, { enterpriseId: 'E1' })).toBeUndefined();
    expect(foreignReason(org, { teamId: 'T7', enterpriseId: 'E1' })).toBeUndefined();
    expect(foreignReason(org, { teamId: 'T7', enterpriseId: 'E2' })).toBe('enterprise E2 is not the installed org E1');
    expect(foreignReason(org, { teamId: 'T7' })).toBe('enterprise (none) is not the installed org E1');
  });

  it('the installation comes from SLACK_TEAM_ID / SLACK_ENTERPRISE_ID, else from auth.test; a contradiction stops the start', () => {
    expect(installationFrom({}, { team_id: 'T1' })).toEqual({ teamId: 'T1', enterpriseId: undefined });
    expect(installationFrom({}, { team_id: 'T1', enterprise_id: 'E1' })).toEqual({ teamId: 'T1', enterpriseId: 'E1' });
    expect(installationFrom({}, { team_id: 'E1', enterprise_id: 'E1', is_enterprise_install: true })).toEqual({ enterpriseId: 'E1' });
    expect(installationFrom({ SLACK_TEAM_ID: 'T1' }, { team_id: 'T1' })).toEqual({ teamId: 'T1', enterpriseId: undefined });
    expect(installationFrom({ SLACK_ENTERPRISE_ID: 'E1' }, { team_id: 'E1', enterprise_id: 'E1', is_enterprise_install: true })).toEqual({ teamId: undefined, enterpriseId: 'E1' });
    // Only the org named, but the token is a workspace install: still only that workspace.
    expect(installationFrom({ SLACK_ENTERPRISE_ID: 'E1' }, { team_id: 'T1', enterprise_id: 'E1' })).toEqual({ teamId: 'T1', enterpriseId: 'E1' });
    expect(() => installationFrom({ SLACK_TEAM_ID: 'T2' }, { team_id: 'T1' })).toThrow(ConfigError);
    expect(() => installationFrom({ SLACK_TEAM_ID: 'T2' }, { team_id: 'T1' })).toThrow('SLACK_TEAM_ID is T2, but SLACK_BOT_TOKEN belongs to workspace T1');
    expect(() => installationFrom({ SLACK_ENTERPRISE_ID: 'E2' }, { team_id: 'T1', enterprise_id: 'E1' })).toThrow('SLACK_ENTERPRISE_ID is E2');
    expect(() => installationFrom({}, {})).toThrow('set SLACK_TEAM_ID');
    expect(() => installationFrom({}, { is_enterprise_install: true })).toThrow('set SLACK_ENTERPRISE_ID');
  });

  it('the settings are validated: a workspace id starts with T, an org id with E', () => {
    const base = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: 's', SLACK_ALERT_CHANNEL: 'C0ALERTS', SLACK_RESPONDERS: 'U0ALICE' };
    expect(slackSchema.parse({ ...base, SLACK_TEAM_ID: 'T0TEAM', SLACK_ENTERPRISE_ID: 'E0ORG' })).toMatchObject({ SLACK_TEAM_ID: 'T0TEAM', SLACK_ENTERPRISE_ID: 'E0ORG' });
    const bad = slackSchema.safeParse({ ...base, SLACK_TEAM_ID: 'E0ORG', SLACK_ENTERPRISE_ID: 'acme' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues.map((i) => i.path[0])).toEqual(['SLACK_TEAM_ID', 'SLACK_ENTERPRISE_ID']);
  });
});

describe('the guard (Bolt global middleware)', () => {
  it('a foreign request is acked, logged with the reason and goes no further; ours goes on', async () => {
    const { log, lines } = captureLogger();
    const guard = installationGuard({ teamId: 'T0TEAM' }, log);
    const run = async (body: Record<string, unknown>, withAck = true) => {
      const seen = { acked: 0, next: 0 };
      const args = { body, next: async () => void seen.next++, ...(withAck ? { ack: async () => void seen.acked++ } : {}) };
      await guard(args as never);
      return seen;
    };
    expect(await run({ type: 'block_actions', team: { id: 'T0OTHER' }, user: { id: 'U0MALLORY' } })).toEqual({ acked: 1, next: 0 });
    expect(await run({ command: '/vigil', team_id: 'T0OTHER', user_id: 'U0MALLORY' })).toEqual({ acked: 1, next: 0 });
    // Events are acked by Bolt before the middleware: no ack to call, still no further.
    expect(await run({ type: 'event_callback', team_id: 'T0OTHER', event: { type: 'app_mention' } }, false)).toEqual({ acked: 0, next: 0 });
    expect(await run({ type: 'block_actions', team: { id: 'T0TEAM' }, user: { id: 'U0ALICE' } })).toEqual({ acked: 0, next: 1 });
    const refused = lines.filter((l) => l.msg === 'Slack request from another workspace refused');
    expect(refused.map((l) => [l.type, l.team, l.user, l.reason])).toEqual([
      ['block_actions', 'T0OTHER', 'U0MALLORY', 'workspace T0OTHER is not the installed workspace T0TEAM'],
      ['slash_command', 'T0OTHER', 'U0MALLORY', 'workspace T0OTHER is not the installed workspace T0TEAM'],
      ['event_callback', 'T0OTHER', undefined, 'workspace T0OTHER is not the installed workspace T0TEAM'],
    ]);
    expect(refused.every((l) => l.level === 40)).toBe(true);
  });
});

describe('Slack HTTP endpoint: requests from another workspace are refused before any work', () => {
  it('a correctly signed click, slash command and modal submission from a foreign team do nothing; from the installed team they work', async () => {
    h = await startHarness(); // SLACK_TEAM_ID unset: learned from auth.test (T0TEAM)
    await seed(h);
    // The suspend modal, opened from the installed workspace (genuine signed metadata).
    await postSigned(h.url, clickFrom({ team: 'T0TEAM' }, ACTION.suspend));
    const meta = h.slack.of('views.open')[0]!.view.private_metadata as string;
    const before = sideEffects(h).length;

    const refused = [
      await postSigned(h.url, clickFrom({ team: 'T0OTHER' }, ACTION.revoke)),
      await postSigned(h.url, clickFrom({ team: 'T0OTHER' }, ACTION.suspend)),
      await postSigned(h.url, commandFrom('T0OTHER', 'status', h.slack.responseUrl('foreign'))),
      await postSigned(h.url, submissionFrom('T0OTHER', meta)),
    ];
    // Acknowledged (200, empty: no modal error, no command text) so Slack retries nothing.
    expect(refused.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await Promise.all(refused.map((r) => r.text()))).toEqual(['', '', '', '']);
    expect(h.actions.calls).toEqual([]);
    expect(sideEffects(h)).toHaveLength(before); // no ephemeral, no card update, no modal, no lookup
    expect(h.slack.responses).toEqual([]); // the command got no answer
    expect(h.done.count).toBe(0);

    // The same requests from the installed workspace work.
    await postSigned(h.url, clickFrom({ team: 'T0TEAM' }, ACTION.revoke));
    await postSigned(h.url, submissionFrom('T0TEAM', meta));
    expect(h.actions.calls.map((c) => c.kind)).toEqual(['revoke-sessions', 'suspend']);
    expect(h.slack.of('chat.update').length).toBeGreaterThan(0);
    await postSigned(h.url, commandFrom('T0TEAM', 'status', h.slack.responseUrl('ours')));
    const answered = () => h!.slack.responses.filter((r) => r.path === '/response/ours');
    for (let i = 0; i < 200 && answered().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(answered()).toEqual([expect.objectContaining({ body: expect.objectContaining({ response_type: 'ephemeral' }) })]);
  });

  it('with the real actions service: a foreign-team Require re-sign-in makes no Graph call and leaves the card as it was', async () => {
    h = await startHarness({
      env: { SLACK_TEAM_ID: 'T0TEAM' },
      service: (store) => createActionsService({ env: entraEnv({ ENTRA_FOUR_EYES: 'false' }), store, log: silentLog, dryRun: false, retry: FAST_RETRY }),
    });
    const alert = await seed(h, makeAlert({ id: 'alert-1' }));
    nockToken();
    nockUserFilter('mail', 'adelev@contoso.com', [ADELE]);
    const revoke = nock(GRAPH).post(`/v1.0/users/${ADELE.id}/revokeSignInSessions`).reply(200, { value: true });

    expect((await postSigned(h.url, clickFrom({ team: 'T0OTHER' }, ACTION.revoke, alert.id))).status).toBe(200);
    expect(revoke.isDone()).toBe(false);
    expect(nock.pendingMocks()).toHaveLength(3); // token, lookup and revoke all unused
    expect(h.slack.of('chat.update')).toEqual([]);
    expect(await h.store.getActionOutcome(alert.id, 'revoke-sessions')).toBeUndefined();
    expect(await h.store.listAudit(alert.id)).toEqual([]);

    expect((await postSigned(h.url, clickFrom({ team: 'T0TEAM' }, ACTION.revoke, alert.id))).status).toBe(200);
    expect(revoke.isDone()).toBe(true);
    expect(await h.store.getActionOutcome(alert.id, 'revoke-sessions')).toMatchObject({ status: 'done' });
  });

  it('SLACK_TEAM_ID that is not the bot token\'s workspace stops the start with a clear message', async () => {
    await expect(startHarness({ env: { SLACK_TEAM_ID: 'T0ELSEWHERE' } })).rejects.toThrow('SLACK_TEAM_ID is T0ELSEWHERE, but SLACK_BOT_TOKEN belongs to workspace T0TEAM');
  });

  it('Enterprise Grid org-wide install (team null, enterprise.id): the org is served, another org is not', async () => {
    h = await startHarness({ authTest: ORG_WIDE_AUTH });
    await seed(h);
    await postSigned(h.url, clickFrom({ team: null, enterprise: 'E0OTHER' }, ACTION.revoke));
    await postSigned(h.url, commandFrom('T0ANY', 'status', h.slack.responseUrl('foreign'), 'E0OTHER'));
    expect(h.actions.calls).toEqual([]);
    expect(h.slack.responses).toEqual([]);
    // team null with the installed org, and a workspace of the org, both work.
    await postSigned(h.url, clickFrom({ team: null, enterprise: 'E0ORG' }, ACTION.revoke));
    await postSigned(h.url, clickFrom({ team: 'T0WS2', enterprise: 'E0ORG' }, ACTION.notify));
    expect(h.actions.calls.map((c) => c.kind)).toEqual(['revoke-sessions', 'notify']);
  });

  it('a workspace install inside Enterprise Grid refuses another workspace of the same org', async () => {
    h = await startHarness({ authTest: { ok: true, team: 'Acme EU', team_id: 'T0TEAM', enterprise_id: 'E0ORG', is_enterprise_install: false, user_id: 'U0BOT', bot_id: 'B0BOT' } });
    await seed(h);
    await postSigned(h.url, clickFrom({ team: 'T0SIBLING', enterprise: 'E0ORG' }, ACTION.revoke));
    expect(h.actions.calls).toEqual([]);
    await postSigned(h.url, clickFrom({ team: 'T0TEAM', enterprise: 'E0ORG' }, ACTION.revoke));
    expect(h.actions.calls).toHaveLength(1);
  });
});

describe('Socket Mode: the same check runs inside Bolt', () => {
  it('a foreign-team click delivered over the socket is acked and runs nothing', async () => {
    const slack = await startFakeSlack({ token: BOT_TOKEN });
    try {
      const store = createStore(createMemoryKV());
      const actions = fakeActions();
      const integration = await createSlackIntegration({
        env: slackSchema.parse({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-A0APP-123-abcdef', SLACK_ALERT_CHANNEL: 'C0ALERTS', SLACK_RESPONDERS: 'U0ALICE', SLACK_API_URL: slack.url }),
        app: createHttpApp(),
        store,
        actions: actions.service,
        log: silentLog,
        dryRun: false,
        status: async () => ({ store: 'memory', integrations: [] }),
        retryConfig: { retries: 0 },
        minIntervalMs: 0,
      });
      const alert = sampleAlert();
      await store.saveAlerts([alert]);
      await store.saveDelivery({ channel: 'slack', alertId: alert.id, revision: 1, ref: CARD, attempts: 0, deliveredAt: 1 });
      const deliver = async (team: string) => {
        let acked = 0;
        const payload = JSON.parse(decodeURIComponent(clickFrom({ team }, ACTION.revoke).slice('payload='.length)));
        await integration.bolt.processEvent({ body: payload, ack: async () => void acked++ });
        return acked;
      };
      expect(await deliver('T0OTHER')).toBe(1);
      expect(actions.calls).toEqual([]);
      expect(await deliver('T0TEAM')).toBe(1);
      expect(actions.calls.map((c) => c.kind)).toEqual(['revoke-sessions']);
    } finally {
      await slack.close();
    }
  });
});
