import { z } from 'zod';
import { list, need, optStr, optUrl } from './helpers.js';

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
    SLACK_DIGEST_THRESHOLD: z.coerce.number().int().min(2).max(1000).default(5),
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
  });
export type SlackEnv = z.infer<typeof slackSchema>;
