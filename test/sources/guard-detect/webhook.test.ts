import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderAlertCard as renderSlackCard } from '../../../src/channels/slack/blocks.js';
import { renderAlertCard as renderTeamsCard } from '../../../src/channels/teams/card.js';
import { alertLink, buildAlertView, type Alert } from '../../../src/domain/index.js';
import { closeServer, createHttpApp, listen } from '../../../src/runtime/server.js';
import { mapGuardDetectAlert, GuardDetectPayload } from '../../../src/sources/guard-detect/alert.js';
import { registerGuardDetectWebhook } from '../../../src/sources/guard-detect/webhook.js';
import { openKV } from '../../../src/store/kv.js';
import { createStore, type Store } from '../../../src/store/store.js';
import { normalizeAtlassianEvent } from '../../../src/sources/atlassian/normalize.js';
import { rawEvent } from '../../fakes/atlassian.js';
import { assertTeamsCard } from '../../channels/teams/card-schema.js';
import { expectGolden } from '../../fixtures/golden.js';
import { captureLogger, tempSqliteUrl } from '../../helpers/pipeline.js';
import { GD_ACCOUNT, GD_DETECTED, guardDetectPayload } from './payload.js';

const SECRET = 'guard-detect-secret-0123456789abcdef';
const NOW = GD_DETECTED + 60_000;
const GOLDEN = new URL('./golden/', import.meta.url);
const LIMITS = { maxBytes: 16 * 1024, maxInFlight: 8, maxBytesInFlight: 1_048_576, timeoutMs: 5_000 };

let server: Server;
let url: string;
let store: Store;
let capture: ReturnType<typeof captureLogger>;
const changed: Alert[][] = [];

async function start(secret: string | null = SECRET) {
  store = createStore(await openKV(tempSqliteUrl()));
  capture = captureLogger();
  const app = createHttpApp();
  registerGuardDetectWebhook(app, { secret: secret ?? undefined, limits: LIMITS, store, log: capture.log, now: () => now, onAlerts: (a) => changed.push(a) });
  server = await listen(app, '127.0.0.1', 0, capture.log);
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/webhooks/guard-detect`;
}
let now = NOW;
beforeEach(async () => {
  changed.length = 0;
  now = NOW;
  await start();
});
afterEach(async () => {
  await closeServer(server);
  await store.close();
});

const post = (body: unknown, auth: string | null = `Bearer ${SECRET}`) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const json = async (r: Response): Promise<any> => r.json();
const mapped = (p: Record<string, unknown>, known?: { email?: string; name?: string }) => mapGuardDetectAlert(GuardDetectPayload.parse(p), known, NOW);
const stored = async () => Promise.all((await store.listAlertIndex()).map(async (e) => (await store.getAlert(e.id))!));

/** What Vigil learned about the Guard Detect actor from one audit event (a login with their email, an hour ago: activity is kept 30 days). */
async function seenInAuditLog(email = 'adelev@contoso.com') {
  const n = normalizeAtlassianEvent(rawEvent({ id: 'seen-1', time: Date.now() - 3_600_000, actorId: GD_ACCOUNT, email }), 'webhook');
  if (!n.ok) throw new Error(n.reason);
  await store.recordActivity([n.event]);
}

describe('Guard Detect alert → Vigil alert (golden)', () => {
  it('maps the reference payload: title, actor, times, sessions, the Guard Detect link, facts', () => {
    const alert = mapped(guardDetectPayload(), { email: 'adelev@contoso.com', name: 'Adele Vance' });
    expectGolden(GOLDEN, 'alert', alert);
    expect(alert).toMatchObject({
      detection: 'guard-detect',
      title: 'Guard Detect: User API token created: Copilot CLI',
      actor: { id: GD_ACCOUNT, email: 'adelev@contoso.com', name: 'ABCDEF' },
      firstSeen: Date.parse('2026-05-29T10:31:25.269Z'),
      lastSeen: GD_DETECTED,
      facts: { ips: ['192.0.2.10'], link: { url: 'https://detect.atlassian.com/w/00000000-0000/alerts/1a2b3c4d5' } },
    });
  });

  it('draws the Slack and Teams cards with the response buttons and the Guard Detect link (golden)', () => {
    const view = buildAlertView(mapped(guardDetectPayload(), { email: 'adelev@contoso.com' }), { outcomes: [], audit: [] }, false);
    const slack = renderSlackCard(view);
    const teams = renderTeamsCard(view);
    expectGolden(GOLDEN, 'slack-card', slack);
    expectGolden(GOLDEN, 'teams-card', teams);
    assertTeamsCard(teams);
    const slackText = JSON.stringify(slack.blocks);
    expect(slackText).toContain('<https://detect.atlassian.com/w/00000000-0000/alerts/1a2b3c4d5|Open in Guard Detect>');
    for (const label of ['Notify user', 'Require re-sign-in', 'Suspend user', 'Dismiss…']) expect(slackText).toContain(label);
    const teamsText = JSON.stringify(teams);
    expect(teamsText).toContain('"type":"Action.OpenUrl","title":"Open in Guard Detect","url":"https://detect.atlassian.com/w/00000000-0000/alerts/1a2b3c4d5"');
    for (const verb of ['"verb":"notify"', '"verb":"revoke"', '"verb":"suspend"', '"verb":"dismiss"']) expect(teamsText).toContain(verb);
  });

  it('treats every field as hostile: links only to Atlassian over https, text cleaned and bounded, bad IPs dropped', () => {
    for (const bad of ['http://detect.atlassian.com/a', 'javascript:alert(1)', 'https://evil.example/atlassian.net', 'https://atlassian.net.evil.example/x', 'https://u:p@admin.atlassian.com/x', 'https://admin.atlassian.com:8443/x', 'https://detect.example.com/w/00000000-0000/alerts/1a2b3c4d5']) {
      const a = mapped(guardDetectPayload({ alertDetailURL: bad, alert: { id: '12345', title: 'x', url: bad } }));
      expect(a.facts.link, bad).toBeUndefined();
      expect(alertLink(a), bad).toBeUndefined();
      expect(a.evidence).toContainEqual({ label: 'Link', value: 'withheld: not an https link to an Atlassian host' });
      expect(JSON.stringify(renderSlackCard(buildAlertView(a, { outcomes: [], audit: [] }, false)))).not.toContain(bad);
    }
    const a = mapped(
      guardDetectPayload({
        alertTitle: `<!channel> \u202eevil\u0007 ${'x'.repeat(5000)}`,
        actor: { accountId: GD_ACCOUNT, name: '[click](https://evil.example)\n<@U0BOSS>', sessions: [{ ipAddress: 'not-an-ip' }, { ipAddress: '2001:db8::1', userAgent: 'ua\u0000\u001b[31m' }] },
        alertDetailURL: 'https://detect.atlassian.com/x|<https://evil.example|Click>',
      }),
    );
    expect(a.title).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(a.title.length).toBeLessThanOrEqual(320);
    expect(a.facts.ips).toEqual(['2001:db8::1']);
    expect(alertLink(a)?.url).toBe('https://detect.atlassian.com/x%7C%3Chttps://evil.example%7CClick%3E');
    // mrkdwn is where Slack acts on <!channel>, <@U…> and <url|text>; plain_text (the header) is shown as it is.
    const card = renderSlackCard(buildAlertView(a, { outcomes: [], audit: [] }, false));
    const blocks = JSON.stringify(card.blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)!.join('\n');
    expect(blocks).toContain('&lt;!channel&gt;');
    expect(blocks).not.toContain('<!channel>');
    expect(blocks).not.toContain('<@U0BOSS>');
    expect(blocks).not.toContain('<https://evil');
  });
});

describe('POST /webhooks/guard-detect', () => {
  it('turns an alert into one stored, queued alert; the same alert twice is one alert; an update grows it', async () => {
    await seenInAuditLog();
    let r = await post(guardDetectPayload());
    expect(r.status).toBe(202);
    const first = await json(r);
    expect(first).toMatchObject({ accepted: 1, created: 1, updated: 0, duplicates: 0 });
    r = await post(guardDetectPayload());
    expect(await json(r)).toMatchObject({ accepted: 1, created: 0, duplicates: 1, alerts: [{ id: first.alerts[0].id, result: 'duplicate' }] });
    let alerts = await stored();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ revision: 1, actor: { id: GD_ACCOUNT, email: 'adelev@contoso.com' } });
    expect(await store.pendingOutbox()).toEqual([first.alerts[0].id]);
    expect(changed).toHaveLength(1); // the duplicate kicked no delivery

    // Guard Detect sends the same alert again later (newer detection time): the one alert is updated.
    r = await post(guardDetectPayload({ detectionTime: GD_DETECTED + 30_000, alertTitle: 'User API token created: Copilot CLI (2 tokens)' }));
    expect(await json(r)).toMatchObject({ updated: 1, created: 0 });
    alerts = await stored();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ revision: 2, title: 'Guard Detect: User API token created: Copilot CLI (2 tokens)', lastSeen: GD_DETECTED + 30_000 });

    // The same alert id in another Guard Detect workspace is another alert.
    r = await post(guardDetectPayload({ workspace: { id: 'other-workspace' } }));
    expect(await json(r)).toMatchObject({ created: 1 });
    expect(await stored()).toHaveLength(2);
    expect(capture.lines.some((l) => l.msg === 'guard detect alert received' && l.guardDetectAlertId === '12345')).toBe(true);
  });

  it('a payload without a plausible time is dated on receipt, and its redelivery later is still a duplicate', async () => {
    const timeless = guardDetectPayload({ detectionTime: null, timestamp: 'garbage', activity: null, alert: { id: '12345', title: 't', created: 4102444800000 } });
    expect(await json(await post(timeless))).toMatchObject({ created: 1 });
    expect((await stored())[0]).toMatchObject({ lastSeen: NOW, firstSeen: NOW });
    now = NOW + 3_600_000;
    expect(await json(await post(timeless))).toMatchObject({ duplicates: 1, updated: 0 });
    expect((await stored())[0]).toMatchObject({ lastSeen: NOW, revision: 1 });
  });

  it('without the account in the audit log the alert still posts, and says that the actions need an email', async () => {
    const r = await post(guardDetectPayload());
    expect(r.status).toBe(202);
    const [alert] = await stored();
    expect(alert!.actor.email).toBeUndefined();
    expect(alert!.evidence.find((e) => e.label === 'Email')?.value).toMatch(/^unknown: .*need it/);
  });

  it('refuses missing and wrong credentials with 401 before reading the body, stores nothing, logs no secret', async () => {
    for (const auth of [null, 'Bearer nope', `Bearer ${SECRET}x`, `Basic ${Buffer.from(`u:${SECRET.slice(1)}`).toString('base64')}`]) {
      const r = await post(guardDetectPayload(), auth);
      expect(r.status, String(auth)).toBe(401);
      expect((await json(r)).error).toBe('missing or wrong Authorization header');
    }
    expect(await stored()).toEqual([]);
    expect(capture.lines.filter((l) => l.msg === 'guard detect request rejected')).toHaveLength(4);
    expect(capture.raw.join('')).not.toContain(SECRET);
    // the secret as-is and as the Basic password are accepted, like the audit webhook
    expect((await post(guardDetectPayload(), SECRET)).status).toBe(202);
    expect((await post(guardDetectPayload(), `Basic ${Buffer.from(`guard:${SECRET}`).toString('base64')}`)).status).toBe(202);
  });

  it('answers bad bodies with 400 and a reason, and stores nothing', async () => {
    const cases: Array<[unknown, RegExp]> = [
      ['', /^empty body/],
      ['{not json', /not valid JSON/],
      ['"a string"', /must be a Guard Detect alert object/],
      [[], /empty array/],
      [Array.from({ length: 51 }, (_, i) => ({ alertId: String(i), alertTitle: 't' })), /too many alerts in one body \(51; at most 50\)/],
      [{}, /not a Guard Detect alert/],
      [{ alertTitle: 'no id' }, /not a Guard Detect alert/],
      [{ alertId: '9', actor: { accountId: 'x' } }, /not a Guard Detect alert/],
      [{ alertId: { nested: true }, alertTitle: 't' }, /not a Guard Detect alert/],
      [{ alertId: '9', alertTitle: 't', actor: { sessions: 'none' } }, /not a Guard Detect alert/],
    ];
    for (const [body, reason] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect((await json(r)).error, JSON.stringify(body).slice(0, 80)).toMatch(reason);
    }
    const r = await post({ alertId: '9', alertTitle: 't', actor: { sessions: 'none' } });
    expect((await json(r)).rejected).toEqual([{ index: 0, reason: expect.stringMatching(/^actor\.sessions: /) }]);
    const noTitle = await json(await post({ alertId: '9' }));
    expect(noTitle.rejected).toEqual([{ index: 0, reason: 'no alert title (alertTitle or alert.title)' }]);
    expect(await stored()).toEqual([]);
  });

  it('keeps the valid alerts of a mixed array and lists the rejected ones', async () => {
    const r = await post([guardDetectPayload(), { alertTitle: 'no id' }, guardDetectPayload({ alertId: '777' })]);
    expect(r.status).toBe(202);
    expect(await json(r)).toMatchObject({ accepted: 2, created: 2, rejected: [{ index: 1, reason: 'no alert id (alertId, alert.id or id)' }] });
  });

  it('limits the body size with 413', async () => {
    const r = await post(guardDetectPayload({ alertTitle: 'x'.repeat(20_000) }));
    expect(r.status).toBe(413);
    expect((await json(r)).error).toMatch(/larger than 16384 bytes/);
  });

  it('is disabled with a clear 503 naming VIGIL_GUARD_DETECT_SECRET when no secret is set', async () => {
    await closeServer(server);
    await store.close();
    await start(null);
    const r = await post(guardDetectPayload());
    expect(r.status).toBe(503);
    expect((await json(r)).error).toBe('/webhooks/guard-detect is disabled: set VIGIL_GUARD_DETECT_SECRET');
  });
});
