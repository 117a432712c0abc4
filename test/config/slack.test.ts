import { describe, expect, it } from 'vitest';
import { slackSchema } from '../../src/channels/slack/settings.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1-2-abc', SLACK_SIGNING_SECRET: 'secret', SLACK_ALERT_CHANNEL: 'C0ALERTS', SLACK_RESPONDERS: 'U0ALICE,S0SEC' };
const problems = (env: Record<string, string>) => {
  const r = slackSchema.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`);
};

describe('Slack settings', () => {
  it('accepts a complete HTTP-mode and Socket-Mode configuration; Slack off when no token', () => {
    expect(problems(base)).toEqual([]);
    expect(problems({ ...base, SLACK_SIGNING_SECRET: '', SLACK_APP_TOKEN: 'xapp-1-abc' })).toEqual([]);
    expect(problems({})).toEqual([]);
    const env = slackSchema.parse({ ...base, SLACK_CHANNEL_ROUTES: 'high=C0HIGH, impossible-travel=C0TRAVEL' });
    expect(env.SLACK_CHANNEL_ROUTES).toEqual(['high=C0HIGH', 'impossible-travel=C0TRAVEL']);
    expect(env.SLACK_RESPONDER_CACHE_SECONDS).toBe(300);
  });

  it('names each bad variable with how to fix it', () => {
    expect(problems({ ...base, SLACK_SIGNING_SECRET: '' })).toEqual([expect.stringMatching(/^SLACK_SIGNING_SECRET: required for HTTP mode/)]);
    expect(problems({ ...base, SLACK_RESPONDERS: 'alice, U0BOB' })).toEqual([expect.stringMatching(/^SLACK_RESPONDERS: "alice" must be a Slack user id/)]);
    expect(problems({ ...base, SLACK_CHANNEL_ROUTES: 'high:C0HIGH' })).toEqual([expect.stringMatching(/^SLACK_CHANNEL_ROUTES: "high:C0HIGH" must be/)]);
    expect(problems({ ...base, SLACK_APP_TOKEN: 'xoxb-wrong' })).toEqual([expect.stringMatching(/^SLACK_APP_TOKEN: must be an app-level token/)]);
    expect(problems({ ...base, SLACK_RESPONDER_CACHE_SECONDS: '1' })).toHaveLength(1);
  });
});
