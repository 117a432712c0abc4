import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/domain/errors.js';

describe('loadConfig', () => {
  it('runs on embedded defaults with no settings at all (demo mode)', () => {
    const cfg = loadConfig({});
    expect(cfg.demo).toBe(true);
    expect(cfg.core).toMatchObject({
      PORT: 3000,
      VIGIL_STORE_URL: 'sqlite://./data/vigil.sqlite',
      VIGIL_SWEEP_SCHEDULE: '*/5 * * * *',
      ATLASSIAN_API_BASE_URL: 'https://api.atlassian.com',
      ATLASSIAN_PAGE_LIMIT: 200,
    });
    expect(cfg.entra.GRAPH_BASE_URL).toBe('https://graph.microsoft.com/v1.0');
    expect(cfg.detection.VIGIL_SENSITIVITY).toBe('medium');
  });

  it('names every missing or invalid variable in one message, with how to fix it, and no secret values', () => {
    const env = {
      PORT: 'eighty',
      VIGIL_SWEEP_SCHEDULE: 'every five minutes',
      ATLASSIAN_API_KEY: 'ATATT-super-secret-value',
      VIGIL_STORE_URL: 'mysql://db',
      VIGIL_SENSITIVITY: 'extreme',
      SLACK_BOT_TOKEN: 'xoxp-wrong-kind',
      ENTRA_CLIENT_ID: 'abc',
      VIGIL_WEBHOOK_SECRET: 'short',
    };
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    for (const name of [
      'PORT',
      'VIGIL_SWEEP_SCHEDULE',
      'ATLASSIAN_ORG_ID',
      'VIGIL_STORE_URL',
      'VIGIL_SENSITIVITY',
      'SLACK_BOT_TOKEN',
      'SLACK_SIGNING_SECRET',
      'SLACK_ALERT_CHANNEL',
      'ENTRA_TENANT_ID',
      'ENTRA_CLIENT_SECRET',
      'VIGIL_WEBHOOK_SECRET',
    ])
      expect(msg).toContain(`- ${name}:`);
    expect(msg).toMatch(/^Invalid configuration \(\d+ problems\)/);
    expect(msg).toContain('must be one of: low, medium, high');
    expect(msg).toContain('.env.example');
    expect(msg).not.toContain('ATATT-super-secret-value');
    expect(msg).not.toContain('xoxp-wrong-kind');
  });

  it('turns demo mode off when Atlassian credentials are complete', () => {
    const cfg = loadConfig({ ATLASSIAN_ORG_ID: 'org', ATLASSIAN_API_KEY: 'key', ATLASSIAN_API_BASE_URL: 'http://127.0.0.1:9/' });
    expect(cfg.demo).toBe(false);
    expect(cfg.core.ATLASSIAN_API_BASE_URL).toBe('http://127.0.0.1:9');
  });

  it('parses durations, lists and booleans', () => {
    const cfg = loadConfig({ VIGIL_BACKFILL: '7d', VIGIL_TRUSTED_NETWORKS: '10.0.0.0/8, 192.0.2.1 ,', VIGIL_DRY_RUN: 'yes' });
    expect(cfg.core.VIGIL_BACKFILL).toBe(7 * 86_400_000);
    expect(cfg.detection.VIGIL_TRUSTED_NETWORKS).toEqual(['10.0.0.0/8', '192.0.2.1']);
    expect(cfg.core.VIGIL_DRY_RUN).toBe(true);
    expect(() => loadConfig({ VIGIL_DRY_RUN: 'perhaps' })).toThrow(/VIGIL_DRY_RUN: must be true or false/);
  });
});
