import { z } from 'zod';
import { int, list, need, optStr, optUrl, ALWAYS } from '../../lib/settings.js';
import { ROUTE_PATTERN } from './routing.js';

/** Slack user ids (U…/W…) or user-group ids (S…). */
const RESPONDER = /^[UWS][A-Z0-9]{2,}$/;
/** Slack workspace (team) ids start with T, Enterprise Grid org ids with E. */
const TEAM_ID = /^T[A-Z0-9]{2,30}$/;
const ENTERPRISE_ID = /^E[A-Z0-9]{2,30}$/;

/** Slack is enabled when SLACK_BOT_TOKEN is set. */
export const slackSchema = z
  .object({
    SLACK_BOT_TOKEN: optStr,
    SLACK_SIGNING_SECRET: optStr,
    SLACK_APP_TOKEN: optStr,
    SLACK_API_URL: optUrl,
    SLACK_ALERT_CHANNEL: optStr,
    /** Extra routes: `high=C0123,impossible-travel=C0456` (severity or detection id → channel id). */
    SLACK_CHANNEL_ROUTES: list,
    SLACK_RESPONDERS: list,
    /** Where an unacknowledged high-severity alert is posted after its thread reminder went unanswered (a channel id). */
    SLACK_ESCALATION_CHANNEL: optStr.refine((v) => v === undefined || /^[CG][A-Z0-9]{2,}$/.test(v), { message: 'must be a channel id (C… or G…), e.g. C0123ABCD' }),
    SLACK_DIGEST_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(5),
    /** How long a responder user group's membership is cached before usergroups.users.list is asked again. */
    SLACK_RESPONDER_CACHE_SECONDS: int(300, 10, 86_400),
    /** At most one App Home tab refresh per responder per this many seconds while alerts change (opening it is served at once). */
    SLACK_HOME_REFRESH_SECONDS: int(10, 1, 3_600),
    /** The installed workspace; requests from any other are refused. Learned from auth.test when unset. */
    SLACK_TEAM_ID: optStr.refine((v) => v === undefined || TEAM_ID.test(v), { message: 'must be a Slack workspace id (T…), e.g. T0123ABCD' }),
    /** Enterprise Grid org of an org-wide install (any workspace of it is served); learned from auth.test when unset. */
    SLACK_ENTERPRISE_ID: optStr.refine((v) => v === undefined || ENTERPRISE_ID.test(v), { message: 'must be an Enterprise Grid org id (E…), e.g. E0123ABCD' }),
  })
  .superRefine((env, ctx) => {
    if (!env.SLACK_BOT_TOKEN) return;
    if (!env.SLACK_BOT_TOKEN.startsWith('xoxb-')) need(ctx, 'SLACK_BOT_TOKEN', 'must be a bot token starting with xoxb-');
    if (!env.SLACK_APP_TOKEN && !env.SLACK_SIGNING_SECRET)
      need(ctx, 'SLACK_SIGNING_SECRET', 'required for HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)');
    if (env.SLACK_APP_TOKEN && !env.SLACK_APP_TOKEN.startsWith('xapp-'))
      need(ctx, 'SLACK_APP_TOKEN', 'must be an app-level token starting with xapp- (connections:write scope)');
    if (!env.SLACK_ALERT_CHANNEL) need(ctx, 'SLACK_ALERT_CHANNEL', 'required when Slack is enabled: the channel id alerts go to');
    if (env.SLACK_RESPONDERS.length === 0)
      need(ctx, 'SLACK_RESPONDERS', 'required when Slack is enabled: user ids (U...) and/or a user group id (S...) allowed to act');
    for (const r of env.SLACK_RESPONDERS)
      if (!RESPONDER.test(r)) need(ctx, 'SLACK_RESPONDERS', `"${r.slice(0, 40)}" must be a Slack user id (U…/W…) or user group id (S…)`);
    for (const r of env.SLACK_CHANNEL_ROUTES)
      if (!ROUTE_PATTERN.test(r))
        need(ctx, 'SLACK_CHANNEL_ROUTES', `"${r.slice(0, 60)}" must be <severity or detection id>=<channel id>, e.g. high=C0123ABCD`);
  }, ALWAYS);
export type SlackEnv = z.infer<typeof slackSchema>;
