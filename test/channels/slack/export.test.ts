import { parse } from 'csv-parse/sync';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../src/domain/index.js';
import { expectCsvOfAlerts } from '../../chat-commands/export-csv.js';
import { BOT_TOKEN, outcome, postSigned, sampleAlert, slashCommand } from './fixtures.js';
import { startHarness, type Harness } from './harness.js';

const DAY = 86_400_000;
const UPLOAD_HOST = 'https://files.slack.com';

let h: Harness | undefined;
/** A `/vigil` command whose response_url is the fake Slack's (read back with h.slack.replies('cmd')). */
const command = (text: string, user?: string) => slashCommand(text, user, h!.slack.responseUrl('cmd'));
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Upload {
  path: string;
  authorization?: string;
  /** The multipart form WebClient posted to the upload URL, parsed back with the platform's FormData. */
  form: Promise<FormData>;
}

/**
 * files.uploadV2 in @slack/web-api 8 makes three requests: files.getUploadURLExternal (filename, length) → a
 * POST of the bytes (multipart) to the upload_url it returned → files.completeUploadExternal (files=[{id,title}],
 * channel_id, initial_comment). The two Web API methods answer in their documented shapes through the shared
 * fake; the upload URL on files.slack.com answers 200 "OK - <bytes>" as Slack's does.
 */
function fakeFileUploads(harness: Harness) {
  let n = 0;
  harness.slack.handlers['files.getUploadURLExternal'] = (b) => {
    if (!b.filename || !(Number(b.length) > 0)) return { ok: false, error: 'invalid_arguments' };
    n++;
    return { ok: true, upload_url: `${UPLOAD_HOST}/upload/v1/CwABAAAAXgoAAZ${n}`, file_id: `F0EXPORT${n}` };
  };
  harness.slack.handlers['files.completeUploadExternal'] = (b) => {
    const files = b.files as Array<{ id: string; title?: string }>;
    if (!Array.isArray(files) || files.some((f) => !f.id.startsWith('F0EXPORT'))) return { ok: false, error: 'file_not_found' };
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? '' })) };
  };
  const uploads: Upload[] = [];
  nock(UPLOAD_HOST)
    .persist()
    .post(/^\/upload\/v1\/[A-Za-z0-9]+$/)
    .reply(function (path, body) {
      const type = String(this.req.headers['content-type'] ?? '');
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      uploads.push({
        path,
        authorization: this.req.headers.authorization as string | undefined,
        form: new Response(raw, { headers: { 'content-type': type } }).formData(),
      });
      return [200, `OK - ${Buffer.byteLength(raw)}`, { 'content-type': 'text/plain' }];
    });
  return uploads;
}

async function uploadedText(upload: Upload): Promise<string> {
  const file = (await upload.form).get('body');
  expect(file).toBeInstanceOf(Blob);
  return (file as Blob).text();
}

/** Three stored alerts last seen 2, 10 and 200 days before now; the middle one has a Teams suspend on record. */
async function seed(harness: Harness): Promise<Alert[]> {
  const now = Date.now();
  const alerts = [
    sampleAlert({ id: 'al_old', lastSeen: now - 200 * DAY, firstSeen: now - 201 * DAY, severity: 'medium', title: 'old: failed logins' }),
    sampleAlert({ id: 'al_suspended', lastSeen: now - 10 * DAY, firstSeen: now - 10 * DAY - 3_600_000, status: 'actioned' }),
    sampleAlert({ id: 'al_recent', lastSeen: now - 2 * DAY, firstSeen: now - 2 * DAY - 60_000, title: 'Quote "this", then, =cmd' }),
  ];
  await harness.store.saveAlerts(alerts);
  await harness.store.saveActionOutcome(outcome('suspend', 'done', { alertId: 'al_suspended', at: now - 10 * DAY + 60_000, by: { platform: 'teams', id: 'aad-9', name: 'bob' } }));
  return (await Promise.all(alerts.map((a) => harness.store.getAlert(a.id)))) as Alert[];
}

describe('/vigil export (file upload)', () => {
  it('uploads the CSV of the stored alerts to the user\'s DM: parsed back it equals the store', async () => {
    h = await startHarness();
    const replies = h.slack.replies('cmd');
    const uploads = fakeFileUploads(h);
    const alerts = await seed(h);

    expect((await postSigned(h.url, command('export'))).status).toBe(200);

    // The DM with the user who asked is opened, and the file goes there.
    expect(h.slack.of('conversations.open')).toEqual([expect.objectContaining({ users: 'U0ALICE' })]);
    const [getUrl] = h.slack.of('files.getUploadURLExternal');
    expect(getUrl!.filename).toMatch(/^vigil-alerts-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.path).toBe('/upload/v1/CwABAAAAXgoAAZ1');
    expect(uploads[0]!.authorization).toBe(`Bearer ${BOT_TOKEN}`);
    const csv = await uploadedText(uploads[0]!);
    expect(Number(getUrl!.length)).toBe(Buffer.byteLength(csv));
    const [complete] = h.slack.of('files.completeUploadExternal');
    expect(complete).toMatchObject({ channel_id: 'D00ALICE', files: [{ id: 'F0EXPORT1', title: getUrl!.filename }] });
    expect(complete!.initial_comment).toContain('3 alerts, everything Vigil keeps, as CSV');

    const rows = expectCsvOfAlerts(csv, alerts, ['al_old', 'al_suspended', 'al_recent']);
    expect(rows[1]).toMatchObject({ actions_taken: 'suspend:done', actions_by: 'bob (teams:aad-9)' });

    // Ephemeral "preparing", then where to find the file.
    expect(replies.map((r) => r.response_type)).toEqual(['ephemeral', 'ephemeral']);
    expect(replies[0]!.text).toContain('Preparing the CSV export');
    expect(replies[1]!.text).toContain(`\`${getUrl!.filename}\` (3 alerts) is in your direct messages with Vigil`);
  });

  it('a period bounds the alerts by last seen, and `json` uploads a JSON array of them', async () => {
    h = await startHarness();
    const replies = h.slack.replies('cmd');
    const uploads = fakeFileUploads(h);
    const alerts = await seed(h);

    await postSigned(h.url, command('export 90d json'));
    expect(h.slack.of('files.getUploadURLExternal')[0]!.filename).toMatch(/^vigil-alerts-\d{4}-\d{2}-\d{2}\.json$/);
    const items = JSON.parse(await uploadedText(uploads[0]!)) as Array<Record<string, unknown>>;
    expect(items.map((i) => i.id)).toEqual(['al_suspended', 'al_recent']);
    for (const item of items) {
      const a = alerts.find((x) => x.id === item.id)!;
      const { firstSeen, lastSeen, actions, audit, ...rest } = item;
      expect({ ...rest, firstSeen: Date.parse(firstSeen as string), lastSeen: Date.parse(lastSeen as string) }).toEqual(a);
      expect(Array.isArray(audit)).toBe(true);
      expect(actions).toEqual(item.id === 'al_suspended' ? [expect.objectContaining({ kind: 'suspend', status: 'done', by: { platform: 'teams', id: 'aad-9', name: 'bob' } })] : []);
    }
    expect(h.slack.of('files.completeUploadExternal')[0]!.initial_comment).toContain('2 alerts, last seen in the past 90 days, as JSON');
    expect(replies.at(-1)!.text).toContain('(2 alerts) is in your direct messages');

    // Order of the arguments does not matter; a date works as the start.
    await postSigned(h.url, command(`export ${new Date(Date.now() - 5 * DAY).toISOString().slice(0, 10)} CSV`));
    const rows = parse(await uploadedText(uploads[1]!), { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((r) => r.id)).toEqual(['al_recent']);
  });

  it('a non-responder is refused and nothing is read or uploaded', async () => {
    h = await startHarness({ groupMembers: ['U0CAROL'] });
    const replies = h.slack.replies('cmd');
    const uploads = fakeFileUploads(h);
    await seed(h);
    expect((await postSigned(h.url, command('export 90d csv', 'U0MALLORY'))).status).toBe(200);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Only Vigil responders') });
    expect(h.slack.of('conversations.open')).toEqual([]);
    expect(h.slack.of('files.getUploadURLExternal')).toEqual([]);
    expect(h.slack.of('files.completeUploadExternal')).toEqual([]);
    expect(uploads).toEqual([]);
    // A member of the responder group may export.
    await postSigned(h.url, command('export', 'U0CAROL'));
    expect(h.slack.of('conversations.open')).toEqual([expect.objectContaining({ users: 'U0CAROL' })]);
    expect(uploads).toHaveLength(1);
  });

  it('a bad period or a second format gets the usage help, listing export, and uploads nothing', async () => {
    h = await startHarness();
    const replies = h.slack.replies('cmd');
    const uploads = fakeFileUploads(h);
    await postSigned(h.url, command('export soon'));
    await postSigned(h.url, command('export csv json'));
    await postSigned(h.url, command('export 2026-02-31'));
    expect(replies).toHaveLength(3);
    expect(replies[0]!.text).toContain('"soon" is not a period');
    expect(replies[1]!.text).toContain('one format');
    expect(replies[2]!.text).toContain('"2026-02-31" is not a period');
    for (const r of replies) {
      expect(r.response_type).toBe('ephemeral');
      expect(JSON.stringify(r.blocks)).toContain('/vigil export [90d | 2026-01-01] [csv | json]');
      expect(JSON.stringify(r.blocks)).toContain('/vigil activity');
    }
    expect(h.slack.of('conversations.open')).toEqual([]);
    expect(uploads).toEqual([]);
  });

  it('an app installed without files:write is told how to fix it', async () => {
    h = await startHarness();
    const replies = h.slack.replies('cmd');
    const uploads = fakeFileUploads(h);
    await seed(h);
    h.slack.once('files.getUploadURLExternal', { ok: false, error: 'missing_scope', needed: 'files:write', provided: 'chat:write,commands,im:write' });
    await postSigned(h.url, command('export'));
    expect(uploads).toEqual([]);
    expect(h.slack.of('files.completeUploadExternal')).toEqual([]);
    expect(replies.at(-1)!.text).toContain('could not send the export file (missing_scope)');
    expect(replies.at(-1)!.text).toContain('`files:write`');
  });

  it('a 429 on files.getUploadURLExternal is waited out (Retry-After) and the upload then succeeds once', async () => {
    h = await startHarness();
    const uploads = fakeFileUploads(h);
    await seed(h);
    h.slack.once('files.getUploadURLExternal', [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '7' }]);
    await postSigned(h.url, command('export'));
    expect(h.sleeps).toContain(7000);
    expect(h.slack.calls.filter((c) => c.method === 'files.getUploadURLExternal').map((c) => c.status)).toEqual([429, 200]);
    expect(uploads).toHaveLength(1);
    expect(h.slack.of('files.completeUploadExternal')).toHaveLength(1);
  });
});
