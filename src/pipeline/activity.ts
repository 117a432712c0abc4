import { z } from 'zod';
import type { NormalizedEvent } from '../domain/index.js';
import { keys } from '../store/keys.js';
import type { Store } from '../store/store.js';

const DAY = 86_400_000;
const KEEP_MS = 30 * DAY;
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

export const UserActivity = z.object({
  accountId: z.string(),
  email: z.string().optional(),
  name: z.string().optional(),
  items: z.array(ActivityItem),
});
export type UserActivity = z.infer<typeof UserActivity>;

/** Record events into each actor's rolling 30-day activity (called by the pipeline after detections). */
export async function recordActivity(store: Store, events: readonly NormalizedEvent[]): Promise<void> {
  const byActor = new Map<string, NormalizedEvent[]>();
  for (const e of events) {
    const list = byActor.get(e.actor.id) ?? [];
    list.push(e);
    byActor.set(e.actor.id, list);
  }
  for (const [accountId, list] of byActor) {
    const raw = await store.kv.get(keys.activity(accountId));
    const parsed = UserActivity.safeParse(raw);
    const current: UserActivity = parsed.success ? parsed.data : { accountId, items: [] };
    const seen = new Set(current.items.map((i) => i.id));
    const last = list[list.length - 1]!;
    for (const e of list) {
      if (seen.has(e.id)) continue;
      const tgt = e.targets[0];
      current.items.push({
        id: e.id,
        t: e.time,
        action: e.action,
        actionName: e.actionName,
        ip: e.location?.ip,
        country: e.location?.countryName ?? e.location?.countryCode,
        city: e.location?.city,
        target: tgt?.email ?? tgt?.name ?? tgt?.id,
        interactive: e.interactive,
        site: e.site?.host ?? e.site?.name,
      });
    }
    const newest = Math.max(...current.items.map((i) => i.t));
    current.items = current.items
      .filter((i) => i.t >= newest - KEEP_MS)
      .sort((a, b) => a.t - b.t)
      .slice(-MAX_ITEMS);
    current.email = last.actor.email ?? current.email;
    current.name = last.actor.name ?? current.name;
    await store.kv.set(keys.activity(accountId), current);
    if (last.actor.email) await store.kv.set(keys.userByEmail(last.actor.email), accountId);
  }
}

/** Look a user up by email or account id; undefined when Vigil has seen no activity for them. */
export async function readActivity(store: Store, who: string): Promise<UserActivity | undefined> {
  let accountId = who;
  if (who.includes('@')) {
    const id = await store.kv.get(keys.userByEmail(who));
    if (typeof id !== 'string') return undefined;
    accountId = id;
  }
  const parsed = UserActivity.safeParse(await store.kv.get(keys.activity(accountId)));
  return parsed.success ? parsed.data : undefined;
}
