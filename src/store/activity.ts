import { z } from 'zod';
import type { NormalizedEvent } from '../domain/index.js';
import type { KV, WriteOp } from './kv.js';
import { keys } from './keys.js';

const DAY = 86_400_000;
/** Activity is kept 30 days (plus the day in progress); whole days expire. */
export const ACTIVITY_KEEP_MS = 31 * DAY;
/** At most this many events a day per user are kept (the newest); a lookup shows at most MAX_ITEMS. */
const MAX_PER_DAY = 500;
const MAX_ITEMS = 2000;

/** One compact event of a user's recent activity. */
export const ActivityItem = z.object({
  id: z.string(),
  t: z.number(),
  action: z.string(),
  actionName: z.string().optional(),
  ip: z.string().optional(),
  country: z.string().optional(),
  city: z.string().optional(),
  target: z.string().optional(),
  interactive: z.boolean(),
  site: z.string().optional(),
});
export type ActivityItem = z.infer<typeof ActivityItem>;

/** A user's activity: one stored day, or (read back) the last 30 days merged. */
export const UserActivity = z.object({
  accountId: z.string(),
  email: z.string().optional(),
  name: z.string().optional(),
  items: z.array(ActivityItem),
});
export type UserActivity = z.infer<typeof UserActivity>;

const dayOf = (t: number) => new Date(t - (t % DAY)).toISOString().slice(0, 10);

function itemOf(e: NormalizedEvent): ActivityItem {
  const tgt = e.targets[0];
  const item: ActivityItem = { id: e.id, t: e.time, action: e.action, interactive: e.interactive };
  if (e.actionName !== undefined) item.actionName = e.actionName;
  if (e.location?.ip !== undefined) item.ip = e.location.ip;
  const country = e.location?.countryName ?? e.location?.countryCode;
  if (country !== undefined) item.country = country;
  if (e.location?.city !== undefined) item.city = e.location.city;
  const target = tgt?.email ?? tgt?.name ?? tgt?.id;
  if (target !== undefined) item.target = target;
  const site = e.site?.host ?? e.site?.name;
  if (site !== undefined) item.site = site;
  return item;
}

/**
 * The writes that record a batch's events into per-user, per-day activity buckets: cost follows the batch (the
 * days it touches), never the history. A day older than the keep window is not written; each day expires whole.
 */
export async function activityWrites(kv: KV, events: readonly NormalizedEvent[], now: number): Promise<WriteOp[]> {
  const groups = new Map<string, { accountId: string; day: string; dayStart: number; events: NormalizedEvent[] }>();
  for (const e of events) {
    const day = dayOf(e.time);
    const key = keys.activityDay(e.actor.id, day);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { accountId: e.actor.id, day, dayStart: e.time - (e.time % DAY), events: [] }));
    g.events.push(e);
  }
  for (const [key, g] of groups) if (g.dayStart + ACTIVITY_KEEP_MS <= now) groups.delete(key);
  const bucketKeys = [...groups.keys()];
  const stored = await kv.getMany(bucketKeys);
  const ops: WriteOp[] = [];
  bucketKeys.forEach((key, i) => {
    const g = groups.get(key)!;
    const parsed = UserActivity.safeParse(stored[i]);
    const bucket: UserActivity = parsed.success ? parsed.data : { accountId: g.accountId, items: [] };
    const known = new Set(bucket.items.map((x) => x.id));
    let added = 0;
    for (const e of g.events) if (!known.has(e.id)) known.add(e.id), bucket.items.push(itemOf(e)), added++;
    const last = g.events[g.events.length - 1]!.actor;
    const emailChanged = !!last.email && last.email !== bucket.email;
    if (added === 0 && !emailChanged) return;
    if (added > 0) bucket.items.sort((a, b) => a.t - b.t).splice(0, Math.max(0, bucket.items.length - MAX_PER_DAY));
    if (last.email) bucket.email = last.email;
    if (last.name) bucket.name = last.name;
    const ttlMs = g.dayStart + ACTIVITY_KEEP_MS + DAY - now;
    ops.push({ key, value: bucket, ttlMs });
    // The email → account lookup is written once per user and day (or when the email changes), not per batch.
    if (emailChanged) ops.push({ key: keys.userByEmail(last.email!), value: g.accountId, ttlMs });
  });
  return ops;
}

/** A user's last 30 days (by email or account id); undefined when Vigil has seen no activity for them. */
export async function readActivity(kv: KV, who: string, now: number): Promise<UserActivity | undefined> {
  let accountId = who;
  if (who.includes('@')) {
    const id = await kv.get(keys.userByEmail(who));
    if (typeof id !== 'string') return undefined;
    accountId = id;
  }
  const days: string[] = [];
  for (let t = now + DAY; t >= now - ACTIVITY_KEEP_MS; t -= DAY) days.push(dayOf(t));
  const stored = await kv.getMany(days.map((d) => keys.activityDay(accountId, d)));
  let out: UserActivity | undefined;
  for (const raw of stored) {
    const day = UserActivity.safeParse(raw);
    if (!day.success) continue;
    // Days come newest first: the first one found gives the current email and name.
    out ??= { accountId, ...(day.data.email ? { email: day.data.email } : {}), ...(day.data.name ? { name: day.data.name } : {}), items: [] };
    for (const item of day.data.items) out.items.push(item);
  }
  if (!out) return undefined;
  out.items.sort((a, b) => a.t - b.t).splice(0, Math.max(0, out.items.length - MAX_ITEMS));
  return out;
}
