import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alertLabel, createJiraChannel, renderJiraComment, renderJiraIssueFields } from '../../../src/channels/jira/index.js';
import type { AlertChannel } from '../../../src/domain/index.js';
import { createLogger } from '../../../src/log.js';
import { createOutbox } from '../../../src/pipeline/outbox.js';
import { createMemoryKV } from '../../../src/store/kv.js';
import { createStore, type Store } from '../../../src/store/store.js';
import { DANA_T0 as T0, makeAlert, makeOutcome, makeView } from '../../fixtures/alert.js';
import { EMAIL, JIRA, TOKEN, fakeJira } from '../../fakes/jira.js';

const golden = JSON.parse(readFileSync(new URL('./jira.golden.json', import.meta.url), 'utf8')) as unknown;

function channel(over: Partial<Parameters<typeof createJiraChannel>[0]> = {}): AlertChannel {
  return createJiraChannel({
    baseUrl: JIRA,
    email: EMAIL,
    apiToken: TOKEN,
    projectKey: 'SEC',
    issueType: 'Task',
    labels: ['vigil', 'security'],
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
    ...over,
  });
}

describe('Jira payloads', () => {
  it('issue fields match the golden document (ADF description with evidence, labels, the runbook link)', () => {
    const view = makeView();
    const fields = renderJiraIssueFields(view, { projectKey: 'SEC', issueType: 'Task', labels: ['vigil', 'security'] });
    expect(fields).toEqual(golden);
  });

  it('links the runbook once', () => {
    const url = 'https://wiki.example.com/runbooks/dana';
    const fields = renderJiraIssueFields(makeView({ alert: makeAlert({ runbook: url }) }), { projectKey: 'SEC', issueType: 'Task', labels: [] });
    expect(JSON.stringify(fields).split(`"href":"${url}"`)).toHaveLength(2);
  });

  it('never emits an empty text node and never links a non-http URL', () => {
    const view = makeView({ alert: makeAlert({ summary: '', evidence: [{ label: 'Note', value: '' }], runbook: 'javascript:alert(1)' }) });
    const json = JSON.stringify(renderJiraIssueFields(view, { projectKey: 'SEC', issueType: 'Task', labels: [] }));
    expect(json).not.toContain('"text":""');
    expect(json).not.toContain('javascript:');
  });

  it('a comment carries the new status, the response taken and its revision marker', () => {
    const view = makeView({ alert: makeAlert({ status: 'actioned', revision: 2 }), outcomes: [makeOutcome()] });
    const json = JSON.stringify(renderJiraComment(view));
    expect(json).toContain('Vigil update: actioned');
    expect(json).toContain('suspend: done');
    expect(json).toContain('vigil:a1b2c3d4e5f60718:r2');
  });
});

describe('Jira channel against a stateful Jira Cloud fake', () => {
  it('creates one issue with basic auth and returns its key as the delivery ref', async () => {
    const jira = fakeJira();
    const ref = await channel().deliver(makeView(), undefined);
    expect(ref).toEqual({ issueKey: 'SEC-1', issueUrl: `${JIRA}/browse/SEC-1` });
    expect(jira.issues).toHaveLength(1);
    expect(jira.issues[0]!.fields.labels).toContain(alertLabel('a1b2c3d4e5f60718'));
    expect(jira.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /rest/api/3/search/jql', 'POST /rest/api/3/issue']);
  });

  it('a retry after a crash between create and record finds the issue instead of creating a second', async () => {
    const jira = fakeJira();
    await channel().deliver(makeView(), undefined); // created, but the ref was never recorded
    const ref = await channel().deliver(makeView(), undefined);
    expect(ref.issueKey).toBe('SEC-1');
    expect(jira.issues).toHaveLength(1);
    // Recovered at a later revision: the missed update is added as a comment, once.
    const later = makeView({ alert: makeAlert({ revision: 2, status: 'dismissed' }) });
    await channel().deliver(later, undefined);
    await channel().deliver(later, undefined);
    expect(jira.issues).toHaveLength(1);
    expect(jira.issues[0]!.comments).toHaveLength(1);
  });

  it('recover() finds an issue a crashed drain created, catches up a missed revision, and never creates', async () => {
    const jira = fakeJira();
    const intent = { channel: 'jira', alertId: 'a1b2c3d4e5f60718', revision: 0, ref: {}, attempts: 0, intentAt: T0 };
    const ch = channel();
    expect(await ch.recover!(makeView(), intent)).toBeUndefined(); // nothing was created: the outbox delivers
    expect(jira.calls.some((c) => c.path === '/rest/api/3/issue')).toBe(false);

    await ch.deliver(makeView(), undefined); // created, record lost
    expect(await ch.recover!(makeView(), intent)).toEqual({ issueKey: 'SEC-1', issueUrl: `${JIRA}/browse/SEC-1` });
    expect(jira.issues[0]!.comments).toHaveLength(0);
    await ch.recover!(makeView({ alert: makeAlert({ revision: 2, status: 'dismissed' }) }), intent);
    expect(jira.issues).toHaveLength(1);
    expect(jira.issues[0]!.comments).toHaveLength(1);
  });

  it('honours 429 Retry-After on create and still creates exactly one issue', async () => {
    const jira = fakeJira({ rateLimitCreates: 1, retryAfter: '1' });
    const ref = await channel().deliver(makeView(), undefined);
    expect(ref.issueKey).toBe('SEC-1');
    expect(jira.issues).toHaveLength(1);
    expect(jira.calls.filter((c) => c.path === '/rest/api/3/issue')).toHaveLength(2);
  });

  it('gives up on a long rate limit with an error (the outbox retries later)', async () => {
    const jira = fakeJira({ rateLimitCreates: 5, retryAfter: '3600' });
    await expect(channel().deliver(makeView(), undefined)).rejects.toThrow(/rate limit/);
    expect(jira.issues).toHaveLength(0);
  });

  it('adds later revisions as comments, and a retried comment is not posted twice', async () => {
    const jira = fakeJira();
    const first = await channel().deliver(makeView(), undefined);
    const previous = { channel: 'jira', alertId: 'a1b2c3d4e5f60718', revision: 1, ref: first, attempts: 0, deliveredAt: T0 };
    const update = makeView({ alert: makeAlert({ revision: 2, status: 'actioned' }), outcomes: [makeOutcome()] });
    expect(await channel().deliver(update, previous)).toEqual(first);
    expect(await channel().deliver(update, previous)).toEqual(first); // crash between comment and record
    expect(jira.issues).toHaveLength(1);
    expect(jira.issues[0]!.comments).toHaveLength(1);
    expect(JSON.stringify(jira.issues[0]!.comments[0]!.body)).toContain('suspend: done');
  });

  it('opens a new issue when the recorded one was deleted', async () => {
    const jira = fakeJira();
    const first = await channel().deliver(makeView(), undefined);
    jira.deleteIssue(first.issueKey!);
    const previous = { channel: 'jira', alertId: 'a1b2c3d4e5f60718', revision: 1, ref: first, attempts: 0, deliveredAt: T0 };
    const ref = await channel().deliver(makeView({ alert: makeAlert({ revision: 2 }) }), previous);
    expect(ref.issueKey).toBe('SEC-2');
    expect(jira.issues).toHaveLength(1);
    expect(jira.calls.filter((c) => c.path === '/rest/api/3/issue')).toHaveLength(2);
  });

  it('reports Jira field errors and bad credentials clearly, without the token', async () => {
    fakeJira({ project: 'OPS' });
    const err = await channel().deliver(makeView(), undefined).catch((e: Error) => e);
    expect(String(err)).toMatch(/project: valid project is required/);
    const bad = await channel({ apiToken: 'wrong-token-value' }).deliver(makeView(), undefined).catch((e: Error) => e);
    expect(String(bad)).toMatch(/401/);
    expect(String(bad)).not.toContain('wrong-token-value');
  });
});

describe('Jira through the outbox', () => {
  it('a crash after create (delivery record lost) never yields a second issue', async () => {
    const jira = fakeJira();
    const store = createStore(createMemoryKV());
    let now = T0;
    // The first delivery record write fails, as if the process died right after Jira created the issue.
    let failOnce = true;
    const crashing: Store = {
      ...store,
      saveDelivery: async (d) => {
        if (failOnce && d.deliveredAt) {
          failOnce = false;
          throw new Error('store write failed');
        }
        return store.saveDelivery(d);
      },
    };
    const outbox = createOutbox({ store: crashing, channels: [channel()], log: createLogger('silent'), dryRun: false, now: () => now });
    await store.saveAlerts([makeAlert()]);
    expect(await outbox.drain()).toMatchObject({ delivered: 0, failed: 1 });
    expect(jira.issues).toHaveLength(1);

    now += 60 * 60_000;
    expect(await outbox.drain()).toMatchObject({ delivered: 1, failed: 0, pending: 0 });
    expect(jira.issues).toHaveLength(1);
    expect((await store.getDelivery('jira', 'a1b2c3d4e5f60718'))?.ref.issueKey).toBe('SEC-1');

    await store.updateAlert('a1b2c3d4e5f60718', (a) => ({ ...a, status: 'dismissed' }));
    await outbox.drain();
    expect(jira.issues).toHaveLength(1);
    expect(jira.issues[0]!.comments).toHaveLength(1);
    expect(JSON.stringify(jira.issues[0]!.comments[0]!.body)).toContain('Vigil update: dismissed');
  });
});
