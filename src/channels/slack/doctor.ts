import { z } from 'zod';
import type { SlackEnv } from './settings.js';
import { fetchJson } from '../../http/fetch-json.js';
import { reason, type DoctorRow } from '../../domain/doctor.js';
import { installationFrom } from './team-check.js';

const SlackReply = z.looseObject({
  ok: z.boolean(),
  error: z.string().optional(),
  needed: z.string().optional(),
  team: z.string().optional(),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
  is_enterprise_install: z.boolean().optional(),
  user: z.string().optional(),
  channel: z.looseObject({ id: z.string(), name: z.string().optional(), is_member: z.boolean().optional(), is_archived: z.boolean().optional() }).optional(),
});
type SlackReply = z.infer<typeof SlackReply>;

async function slack(env: SlackEnv, method: string, params: Record<string, string> = {}): Promise<SlackReply> {
  const base = (env.SLACK_API_URL ?? 'https://slack.com/api/').replace(/\/?$/, '/');
  const res = await fetchJson(`${base}${method}`, {
    service: 'Slack',
    method: 'POST',
    headers: { authorization: `Bearer ${env.SLACK_BOT_TOKEN}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    retry: { maxRetries: 2, maxRetryAfterMs: 30_000 },
  });
  const r = SlackReply.safeParse(res.body);
  if (!r.success) throw new Error(`Slack ${method} returned an unexpected body`);
  return r.data;
}

/** Every channel alerts can go to: SLACK_ALERT_CHANNEL and the targets of SLACK_CHANNEL_ROUTES. */
function alertChannels(env: SlackEnv): string[] {
  const routes = env.SLACK_CHANNEL_ROUTES.map((r) => r.split('=')[1]?.trim()).filter((c): c is string => Boolean(c));
  return [...new Set([env.SLACK_ALERT_CHANNEL, ...routes].filter((c): c is string => Boolean(c)))];
}

/** Slack: auth.test with the bot token, then conversations.info `is_member` for every alert channel. */
export async function checkSlack(env: SlackEnv): Promise<DoctorRow[]> {
  if (!env.SLACK_BOT_TOKEN) return [{ group: 'slack', check: 'Slack bot token', status: 'skip', detail: 'not configured' }];
  const rows: DoctorRow[] = [];
  try {
    const auth = await slack(env, 'auth.test');
    if (!auth.ok) {
      return [{ group: 'slack', check: 'Slack bot token', status: 'fail', detail: `auth.test: ${auth.error ?? 'not ok'}`, fix: 'Reinstall the app to the workspace and set SLACK_BOT_TOKEN to its Bot User OAuth Token (xoxb-...)' }];
    }
    rows.push({ group: 'slack', check: 'Slack bot token', status: 'pass', detail: `workspace ${auth.team ?? '?'}, bot user ${auth.user ?? '?'}` });
    // The same check `vigil serve` makes at start-up: SLACK_TEAM_ID / SLACK_ENTERPRISE_ID against the token's own.
    try {
      const inst = installationFrom(env, auth);
      const serves = inst.teamId ? `workspace ${inst.teamId}` : `every workspace of org ${inst.enterpriseId}`;
      rows.push({ group: 'slack', check: 'Slack workspace', status: 'pass', detail: `serves ${serves}; requests from others are ignored` });
    } catch (err) {
      rows.push({ group: 'slack', check: 'Slack workspace', status: 'fail', detail: reason(err), fix: 'Set SLACK_TEAM_ID / SLACK_ENTERPRISE_ID to the installed workspace, or leave them unset' });
    }
  } catch (err) {
    return [{ group: 'slack', check: 'Slack bot token', status: 'fail', detail: reason(err), fix: 'Check the network path to Slack (HTTPS_PROXY) and SLACK_API_URL' }];
  }
  for (const id of alertChannels(env)) {
    const check = `Slack channel ${id}`;
    try {
      const info = await slack(env, 'conversations.info', { channel: id });
      if (!info.ok) {
        const fix =
          info.error === 'missing_scope'
            ? `Add the ${info.needed ?? 'channels:read, groups:read'} scope to the Slack app and reinstall it`
            : info.error === 'channel_not_found'
              ? `Check the channel id; for a private channel, invite the bot first (/invite @Vigil)`
              : 'Check the channel id and the app installation';
        rows.push({ group: 'slack', check, status: 'fail', detail: `conversations.info: ${info.error ?? 'not ok'}`, fix });
      } else if (info.channel?.is_archived) {
        rows.push({ group: 'slack', check, status: 'fail', detail: `#${info.channel.name ?? id} is archived`, fix: 'Unarchive it or choose another channel' });
      } else if (info.channel?.is_member !== true) {
        rows.push({ group: 'slack', check, status: 'fail', detail: `the bot is not a member of #${info.channel?.name ?? id}`, fix: `Invite the bot: /invite @Vigil in #${info.channel?.name ?? id}` });
      } else rows.push({ group: 'slack', check, status: 'pass', detail: `member of #${info.channel.name ?? id}` });
    } catch (err) {
      rows.push({ group: 'slack', check, status: 'fail', detail: reason(err), fix: 'Check the network path to Slack (HTTPS_PROXY)' });
    }
  }
  return rows;
}
