import { z } from 'zod';
import type { Store } from '../../store/store.js';

/** Who "Assign…" offers on a Teams card: an id (Entra object id) and the name Teams gave us for it. */
export interface Assignee {
  id: string;
  name: string;
}

const KEY = 'teams-assignees';
const Entries = z.array(z.object({ id: z.string().max(64), name: z.string().max(100), at: z.number() })).max(500);
const MAX = 50;
const TTL_MS = 180 * 86_400_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The responders "Assign…" offers. Teams tells the bot a person's name only when they act, so the list is the
 * user ids of TEAMS_RESPONDERS plus every responder seen acting (a member of a responder group appears after their
 * first click or command), with the names Teams reported; capped and kept in the store for every replica. The
 * choice is re-checked against TEAMS_RESPONDERS when it comes back (a card can be older than a change of the list).
 */
export function createAssigneeDirectory(opts: { store: Store; configured: readonly string[]; now?: () => number }) {
  const now = opts.now ?? Date.now;
  const configured = opts.configured.filter((r) => GUID.test(r)).map((r) => r.toLowerCase());
  const read = async () => (await opts.store.getMeta(KEY, Entries).catch(() => undefined)) ?? [];

  return {
    /** A responder acted: remember their name (written only when it is new or changed, or a day old). */
    async remember(id: string | undefined, name: string | undefined): Promise<void> {
      if (!id || !GUID.test(id) || !name?.trim()) return;
      const clean = name.replace(/\s+/g, ' ').trim().slice(0, 100);
      const entries = await read();
      const known = entries.find((e) => e.id === id.toLowerCase());
      if (known && known.name === clean && now() - known.at < 86_400_000) return;
      const next = [{ id: id.toLowerCase(), name: clean, at: now() }, ...entries.filter((e) => e.id !== id.toLowerCase())].slice(0, MAX);
      await opts.store.setMeta(KEY, next, TTL_MS);
    },
    async list(): Promise<Assignee[]> {
      const entries = await read();
      const named = new Map(entries.map((e) => [e.id, e.name]));
      const ids = [...new Set([...configured, ...entries.map((e) => e.id)])].slice(0, MAX);
      return ids.map((id) => ({ id, name: named.get(id) ?? `Entra user ${id.slice(0, 8)}…` })).sort((a, b) => a.name.localeCompare(b.name));
    },
  };
}
export type AssigneeDirectory = ReturnType<typeof createAssigneeDirectory>;
