import { chatDeps, defineChannel } from '../plugin.js';
import { checkSlack } from './doctor.js';
import { slackSchema, type SlackEnv } from './settings.js';

/** Slack: cards, digests, routing, the click handlers, the "Was this you?" messenger and /vigil. */
export const slackChannel = defineChannel<SlackEnv>({
  name: 'slack',
  settings: slackSchema,
  enabled: (s) => Boolean(s.SLACK_BOT_TOKEN),
  secrets: (s) => [s.SLACK_BOT_TOKEN, s.SLACK_SIGNING_SECRET, s.SLACK_APP_TOKEN],
  async create(s, ctx) {
    // Loaded only when configured: a deployment without Slack never loads Bolt.
    const { createSlackIntegration } = await import('./index.js');
    const slack = await createSlackIntegration({ ...chatDeps(ctx), env: s, log: ctx.log.child({ channel: 'slack' }) });
    ctx.messengers.register(slack.messenger);
    return { channels: [slack.channel], names: [`slack (${slack.mode} mode)`], notice: slack.notice, reportTargets: slack.reportTargets, start: slack.start, stop: slack.stop };
  },
  doctor: (s) => checkSlack(s),
});
