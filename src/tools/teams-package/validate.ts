import { createRequire } from 'node:module';

/**
 * Validate a Teams manifest against the official JSON schema of its manifestVersion, shipped by
 * @microsoft/app-manifest (a dev dependency: this runs in the build script and tests, not in the service).
 * Returns readable problems; empty means valid.
 */
export async function validateTeamsManifest(manifest: Record<string, unknown>): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const version = String(manifest.manifestVersion ?? '');
  let schema: Record<string, unknown>;
  try {
    schema = require(`@microsoft/app-manifest/build/json-schemas/teams/v${version}/MicrosoftTeams.schema.json`) as Record<string, unknown>;
  } catch {
    return [`no official schema for manifestVersion "${version}"`];
  }
  const { default: Ajv } = (await import('ajv-draft-04')) as unknown as { default: new (o: object) => AjvLike };
  const { default: addFormats } = (await import('ajv-formats')) as unknown as { default: (ajv: AjvLike) => void };
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}

interface AjvLike {
  compile(schema: object): ((data: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null };
}
