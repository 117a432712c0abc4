import type { KV, WriteOp } from './kv.js';
import { keys } from './keys.js';

const DAY = 86_400_000;
/**
 * An actor's record is kept a year after its last write: long enough that a dormant account waking up is not
 * "new" (and so not in the learning period) again; the baseline inside is forgotten after 31 idle days anyway.
 */
const ACTOR_TTL_MS = 400 * DAY;
/** Keyed states (policies grouped by IP or site) hold only short windows and open alerts. */
const KEYED_TTL_MS = 32 * DAY;

/** Detection state records as stored (opaque here: the detection core checks their shape). */
export interface StateRecords {
  org: unknown;
  actors: Map<string, unknown>;
  keyed: Map<string, unknown>;
}

/** Load the org record and the records of the given actors and keyed slots, in one read. */
export async function loadStateRecords(kv: KV, orgId: string, actorIds: readonly string[], slots: readonly string[]): Promise<StateRecords> {
  const wanted = [keys.engineOrg(orgId), ...actorIds.map((a) => keys.engineActor(orgId, a)), ...slots.map((s) => keys.engineKeyed(orgId, s))];
  const values = await kv.getMany(wanted);
  const out: StateRecords = { org: values[0], actors: new Map(), keyed: new Map() };
  actorIds.forEach((id, i) => values[1 + i] !== undefined && out.actors.set(id, values[1 + i]));
  slots.forEach((slot, i) => values[1 + actorIds.length + i] !== undefined && out.keyed.set(slot, values[1 + actorIds.length + i]));
  return out;
}

/** The writes that store what a batch changed (and nothing else). */
export function stateRecordWrites(orgId: string, changed: StateRecords): WriteOp[] {
  const ops: WriteOp[] = [{ key: keys.engineOrg(orgId), value: changed.org }];
  for (const [id, rec] of changed.actors) ops.push({ key: keys.engineActor(orgId, id), value: rec, ttlMs: ACTOR_TTL_MS });
  for (const [slot, rec] of changed.keyed) ops.push({ key: keys.engineKeyed(orgId, slot), value: rec, ttlMs: KEYED_TTL_MS });
  return ops;
}
