import { existsSync, readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { SLASH_COMMAND } from '../../../src/channels/slack/command.js';

const SHARED = new URL('../../../../shared/schemas/', import.meta.url);
const V1_REF = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.1.0.0.json';
const V2_REF = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.2.0.0.json';

/**
 * Slack's official top-level manifest schema (../shared/schemas, draft-07) dispatches on _metadata.major_version
 * to version schemas it references by remote URL. Offline, the v1 body is the official file when shared/ has it,
 * else Vigil's transcription of the v1 rules for the sections we use. A v2 manifest is not supported here.
 */
function compile(): ValidateFunction {
  const top = JSON.parse(readFileSync(new URL('slack-app-manifest.schema.json', SHARED), 'utf8'));
  const official = new URL('manifest.schema.1.0.0.json', SHARED);
  const v1 = JSON.parse(readFileSync(existsSync(official) ? official : new URL('./manifest-v1.subset.schema.json', import.meta.url), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema({ ...v1, $id: V1_REF });
  ajv.addSchema({ $id: V2_REF, not: {} });
  return ajv.compile(top);
}

const load = (name: string) => parse(readFileSync(new URL(`../../../manifests/slack/${name}`, import.meta.url), 'utf8')) as Record<string, any>;

describe('Slack app manifest', () => {
  const validate = compile();

  for (const name of ['manifest.yaml', 'manifest.http.yaml']) {
    it(`${name} validates against Slack's manifest schema`, () => {
      const ok = validate(load(name));
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });
  }

  it('the validator rejects what Slack would (so a pass means something)', () => {
    const m = load('manifest.yaml');
    expect(validate({ ...m, bogus: true })).toBe(false);
    expect(validate({ ...m, features: { ...m.features, slash_commands: [{ command: 'vigil', description: 'x' }] } })).toBe(false);
    expect(validate({ ...m, display_information: { name: 'x'.repeat(36) } })).toBe(false);
    expect(validate({ ...m, settings: { ...m.settings, interactivity: {} } })).toBe(false);
  });

  it('Socket Mode on, interactivity on, /vigil declared, and only the scopes the code uses', () => {
    const m = load('manifest.yaml');
    expect(m.settings.socket_mode_enabled).toBe(true);
    expect(m.settings.interactivity.is_enabled).toBe(true);
    expect(m.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([SLASH_COMMAND]);
    expect([...m.oauth_config.scopes.bot].sort()).toEqual(['channels:history', 'chat:write', 'commands', 'files:write', 'groups:history', 'im:write', 'usergroups:read', 'users:read', 'users:read.email']);
    expect(load('manifest.http.yaml').oauth_config.scopes.bot.sort()).toEqual([...m.oauth_config.scopes.bot].sort());
  });

  it('the App Home tab is on and app_home_opened is subscribed (HTTP mode: to /slack/events)', () => {
    for (const name of ['manifest.yaml', 'manifest.http.yaml']) {
      const m = load(name);
      expect(m.features.app_home.home_tab_enabled).toBe(true);
      expect(m.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    }
    expect(load('manifest.http.yaml').settings.event_subscriptions.request_url).toBe('https://vigil.example.com/slack/events');
  });
});
