import type { WebClient } from '@slack/web-api';
import { exportSince, type ExportArgs } from '../../chat-commands/index.js';
import type { Logger } from '../../log.js';
import { exportToString } from '../../chat-commands/export.js';
import type { Store } from '../../store/store.js';
import { slackErrorCode, type SlackSender } from './sender.js';

export interface ExportDeps {
  store: Store;
  client: WebClient;
  sender: SlackSender;
  log: Logger;
  now?: () => number;
}

type Reply = (msg: { text: string }) => Promise<void>;

/** Slack error codes that mean the installed app lacks a scope the export needs (reinstall from the manifest). */
const SCOPE_ERRORS = new Set(['missing_scope', 'not_allowed_token_type', 'no_permission']);

/** The file name for an export made at `now`: vigil-alerts-2026-11-21.csv. */
export function exportFileName(format: ExportArgs['format'], now: number): string {
  return `vigil-alerts-${new Date(now).toISOString().slice(0, 10)}.${format}`;
}

function describePeriod(args: ExportArgs, since: number | undefined): string {
  if (since === undefined) return 'everything Vigil keeps';
  if (args.from !== undefined) return `last seen since ${new Date(since).toISOString().slice(0, 10)}`;
  const days = args.days!;
  const [n, unit] = days >= 1 ? [Math.round(days * 10) / 10, 'day'] : [Math.round(days * 24), 'hour'];
  return `last seen in the past ${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * `/vigil export`: build the export (src/ops/export.ts, the same columns as `vigil export`), open a direct message
 * with the user who asked and upload it there with files.uploadV2 (files.getUploadURLExternal → POST to the upload
 * URL → files.completeUploadExternal). The caller has acked and checked that the user is a responder.
 */
export async function runSlackExport(deps: ExportDeps, userId: string, args: ExportArgs, reply: Reply): Promise<void> {
  const now = (deps.now ?? Date.now)();
  const since = exportSince(args, now);
  const period = describePeriod(args, since);
  await reply({ text: `⏳ Preparing the ${args.format.toUpperCase()} export of alerts (${period})…` });

  let total = 0;
  const skipped: string[] = [];
  let content: string;
  try {
    content = await exportToString({
      store: deps.store,
      format: args.format,
      since,
      onProgress: (_done, all) => (total = all),
      onSkip: (id, reason) => {
        skipped.push(id);
        deps.log.warn({ alert: id, reason }, '/vigil export: an alert could not be read and is not in the file');
      },
    });
  } catch (err) {
    deps.log.error({ err: (err as Error).message }, '/vigil export: reading the store failed');
    return reply({ text: `Vigil could not read the alert history: ${(err as Error).message.slice(0, 200)}` });
  }
  const count = total - skipped.length;
  const filename = exportFileName(args.format, now);
  const note = skipped.length > 0 ? ` ${skipped.length} stored alert(s) could not be read and are missing: ${skipped.slice(0, 10).join(', ')}.` : '';
  const comment = `Vigil alert export: ${count} alert${count === 1 ? '' : 's'}, ${period}, as ${args.format.toUpperCase()}, made ${new Date(now).toISOString()}.${note}`;

  try {
    const dm = await deps.sender.call('conversations.open', () => deps.client.conversations.open({ users: userId }));
    const channelId = dm.channel?.id;
    if (!channelId) throw new Error('conversations.open answered without a channel id');
    await deps.sender.call('files.uploadV2', () =>
      deps.client.files.uploadV2({ channel_id: channelId, filename, title: filename, content, initial_comment: comment }),
    );
  } catch (err) {
    const code = slackErrorCode(err);
    deps.log.error({ user: userId, code, err: (err as Error).message }, '/vigil export: upload failed');
    const hint = code && SCOPE_ERRORS.has(code) ? ' The Slack app needs the `files:write` and `im:write` scopes: update it from the manifest and reinstall it.' : '';
    return reply({ text: `Vigil could not send the export file (${code ?? (err as Error).message.slice(0, 200)}).${hint}` });
  }
  deps.log.info({ user: userId, alerts: count, format: args.format, skipped: skipped.length }, '/vigil export sent');
  await reply({ text: `📎 \`${filename}\` (${count} alert${count === 1 ? '' : 's'}) is in your direct messages with Vigil.${note}` });
}
