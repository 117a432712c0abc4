import { describe, expect, it } from 'vitest';
import { siemChannelName } from '../../src/channels/siem/index.js';
import { loadConfig } from '../../src/config/index.js';
import type { ChannelContext } from '../../src/channels/plugin.js';
import { createLogger } from '../../src/log.js';
import { createChannels } from '../../src/runtime/channels.js';

/** SIEM and Jira use only the log and the timeout of the context the runtime hands every channel plugin. */
const ctx = { log: createLogger('silent'), httpTimeoutMs: 5_000 } as ChannelContext;

describe('forwarding channels from configuration', () => {
  it('one SIEM channel per URL plus Jira when configured; none when unset', async () => {
    const cfg = loadConfig({
      VIGIL_SIEM_WEBHOOK_URLS: 'https://siem.example.com/a, https://siem.example.com/b',
      VIGIL_SIEM_WEBHOOK_SECRET: 'a-long-enough-secret-123',
      JIRA_BASE_URL: 'https://acme.atlassian.net/',
      JIRA_EMAIL: 'bot@example.com',
      JIRA_API_TOKEN: 'token-value-123',
      JIRA_PROJECT_KEY: 'SEC',
    });
    expect(cfg.jira.JIRA_BASE_URL).toBe('https://acme.atlassian.net');
    expect(cfg.jira.JIRA_LABELS).toEqual(['vigil']);
    expect((await createChannels(cfg, ctx)).channels.map((c) => c.name)).toEqual([
      siemChannelName('https://siem.example.com/a'),
      siemChannelName('https://siem.example.com/b'),
      'jira',
    ]);
    expect((await createChannels(loadConfig({}), ctx)).channels).toEqual([]);
  });

  it('rejects a half-configured integration at start-up, naming each variable', () => {
    expect(() => loadConfig({ VIGIL_SIEM_WEBHOOK_URLS: 'https://siem.example.com/a' })).toThrow(/VIGIL_SIEM_WEBHOOK_SECRET: required/);
    expect(() => loadConfig({ VIGIL_SIEM_WEBHOOK_URLS: 'ftp://x', VIGIL_SIEM_WEBHOOK_SECRET: 'short' })).toThrow(/not an http\(s\) URL[\s\S]*at least 16 characters/);
    expect(() => loadConfig({ JIRA_BASE_URL: 'https://acme.atlassian.net' })).toThrow(/JIRA_EMAIL[\s\S]*JIRA_API_TOKEN[\s\S]*JIRA_PROJECT_KEY/);
    expect(() => loadConfig({ JIRA_LABELS: 'ok,not ok' })).toThrow(/JIRA_LABELS/);
    expect(() => loadConfig({ VIGIL_METRICS_TOKEN: 'short' })).toThrow(/VIGIL_METRICS_TOKEN/);
  });
});
