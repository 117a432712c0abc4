import type { KV, WriteOp } from './kv.js';
import { keys } from './keys.js';
import { UserActivity } from './activity.js';

const DAY = 86_400_000;
const CHUNK = 500;

/** Version 2 (one blob per org inside the checkpoint), as written by Vigil 0.1. */
interface LegacyEngine {
  version: 2;
  now: number;
  orgFirstSeen?: number;
  users: Record<string, { first: number; last: number; countries?: Record<string, number>; d?: Record<string, unknown> }>;
  keyed: Record<string, unknown>;
  orgCountries: Record<string, number>;
  open: Record<string, unknown>;
}

export class MigrationError extends Error {
  readonly code = 'store_migration';
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function legacyEngine(raw: unknown, key: string): LegacyEngine | undefined {
  if (raw === undefined) return undefined;
  const s = raw as Partial<LegacyEngine>;
  if (!isObj(raw) || s.version !== 2 || typeof s.now !== 'number' || !isObj(s.users) || !isObj(s.keyed) || !isObj(s.open) || !isObj(s.orgCountries))
    throw new MigrationError(
      `the detection state in ${key} has a shape this version cannot read (version ${String((raw as { version?: unknown })?.version)}). ` +
        'Nothing was changed. Restore a backup written by Vigil 0.1, or start the detection baseline afresh by deleting that one key (see docs/upgrading.md).',
    );
  return s as LegacyEngine;
}

/** A version 1 activity list split into day buckets. */
function activityDays(accountId: string, raw: unknown, now: number): WriteOp[] {
  const parsed = UserActivity.safeParse(raw);
  if (!parsed.success) return [];
  const days = new Map<string, UserActivity>();
  for (const item of parsed.data.items) {
    const day = new Date(item.t - (item.t % DAY)).toISOString().slice(0, 10);
    let b = days.get(day);
    if (!b) days.set(day, (b = { ...parsed.data, items: [] }));
    b.items.push(item);
  }
  const ops: WriteOp[] = [];
  for (const [day, b] of days) {
    const ttlMs = Date.parse(day) + 32 * DAY - now;
    if (ttlMs > 0) ops.push({ key: keys.activityDay(accountId, day), value: b, ttlMs });
  }
  return ops;
}

/**
 * Convert a store written by Vigil 0.1 — the whole detection state and seen ids inside `checkpoint:<org>`, one
 * activity list per user — to per-actor records and per-day activity. Written in chunks, each one atomic
 * write; the checkpoint (which still holds the old blob) is replaced last, so a crash anywhere re-runs the
 * conversion from the intact original. Returns the new checkpoint; throws (changing nothing) on a shape it
 * does not know rather than resetting anyone's baseline.
 */
export async function migrateLegacyCheckpoint(kv: KV, orgId: string, cp: Record<string, unknown>, seenTtlMs: number, now: number): Promise<Record<string, unknown>> {
  const key = keys.checkpoint(orgId);
  const engine = legacyEngine(cp.engine, key);
  const ops: WriteOp[] = [];
  const flush = async (force = false) => {
    if (ops.length >= CHUNK || (force && ops.length)) await kv.write(ops.splice(0));
  };
  if (engine) {
    const actors = new Map<string, { first: number; last: number; countries: Record<string, number>; d: Record<string, unknown>; open: Record<string, unknown> }>();
    for (const id of Object.keys(engine.users)) {
      const u = engine.users[id]!;
      actors.set(id, { first: u.first, last: u.last, countries: u.countries ?? {}, d: u.d ?? {}, open: {} });
    }
    const keyed = new Map<string, { s?: unknown; open?: unknown }>();
    for (const slot of Object.keys(engine.keyed)) keyed.set(slot, { s: engine.keyed[slot] });
    for (const slot of Object.keys(engine.open)) {
      const [det, group] = slot.split('\u0000') as [string, string];
      const actor = actors.get(group);
      if (actor) actor.open[det] = engine.open[slot];
      else keyed.set(slot, { ...keyed.get(slot), open: engine.open[slot] });
    }
    ops.push({ key: keys.engineOrg(orgId), value: { now: engine.now, ...(engine.orgFirstSeen !== undefined ? { first: engine.orgFirstSeen } : {}), countries: engine.orgCountries } });
    for (const [id, rec] of actors) {
      ops.push({ key: keys.engineActor(orgId, id), value: rec, ttlMs: 400 * DAY });
      await flush();
    }
    for (const [slot, rec] of keyed) {
      ops.push({ key: keys.engineKeyed(orgId, slot), value: rec, ttlMs: 32 * DAY });
      await flush();
    }
    // Activity: one list per user becomes day buckets; the old key goes in the same atomic write.
    const ids = [...actors.keys()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = ids.slice(i, i + CHUNK);
      const lists = await kv.getMany(part.map((id) => keys.activity(id)));
      part.forEach((id, j) => {
        if (lists[j] === undefined) return;
        for (const op of activityDays(id, lists[j], now)) ops.push(op);
        ops.push({ key: keys.activity(id), delete: true });
      });
      await flush();
    }
  }
  if (isObj(cp.seen)) {
    for (const id of Object.keys(cp.seen)) {
      ops.push({ key: keys.seen(orgId, id), value: 1, ttlMs: seenTtlMs });
      await flush();
    }
  }
  await flush(true);
  const next: Record<string, unknown> = { version: 3, updatedAt: now };
  if (typeof cp.cursor === 'string') next.cursor = cp.cursor;
  if (typeof cp.watermark === 'number') next.watermark = cp.watermark;
  await kv.write([{ key, value: next }]);
  return next;
}
