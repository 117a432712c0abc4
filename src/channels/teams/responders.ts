import { z } from 'zod';
import type { Logger } from '../../log.js';

/**
 * Who may act on alerts from Teams: TEAMS_RESPONDERS lists Entra object ids of users and/or groups
 * (`group:<object id>`). The clicking user's `aadObjectId` is checked before anything else happens.
 * Group membership is asked of Microsoft Graph (`POST /users/{id}/checkMemberGroups`, transitive) and cached
 * per user for a few minutes; a Graph failure denies (fail closed) and is logged.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ResponderList {
  users: Set<string>;
  groups: string[];
}

/** Parse TEAMS_RESPONDERS entries: `<guid>` (a user) or `group:<guid>`. Returns the problems for config errors. */
export function parseResponders(entries: readonly string[]): { list: ResponderList; problems: string[] } {
  const list: ResponderList = { users: new Set(), groups: [] };
  const problems: string[] = [];
  for (const raw of entries) {
    const e = raw.trim();
    const group = /^group:(.+)$/i.exec(e);
    const id = (group ? group[1]! : e).trim().toLowerCase();
    if (!GUID.test(id)) {
      problems.push(`"${e.slice(0, 60)}" is not an Entra object id (a GUID) or group:<GUID>`);
      continue;
    }
    if (group) list.groups.push(id);
    else list.users.add(id);
  }
  return { list, problems };
}

/** Which of `groupIds` the user is a (transitive) member of. Backed by Graph checkMemberGroups. */
export type CheckMemberGroups = (userObjectId: string, groupIds: string[]) => Promise<string[]>;

export interface ResponderCheckOptions {
  responders: readonly string[];
  checkMemberGroups?: CheckMemberGroups;
  log: Logger;
  now?: () => number;
  cacheMs?: number;
}

export type ResponderCheck = (aadObjectId: string | undefined) => Promise<boolean>;

export function createResponderCheck(opts: ResponderCheckOptions): ResponderCheck {
  const { list } = parseResponders(opts.responders);
  const now = opts.now ?? Date.now;
  const ttl = opts.cacheMs ?? 5 * 60_000;
  const cache = new Map<string, { ok: boolean; until: number }>();
  return async (aadObjectId) => {
    if (!aadObjectId) return false;
    const id = aadObjectId.trim().toLowerCase();
    if (!GUID.test(id)) return false;
    if (list.users.has(id)) return true;
    if (list.groups.length === 0) return false;
    const hit = cache.get(id);
    if (hit && hit.until > now()) return hit.ok;
    if (!opts.checkMemberGroups) {
      opts.log.warn('TEAMS_RESPONDERS names a group but Microsoft Graph is not configured (ENTRA_*): group members cannot act');
      return false;
    }
    try {
      const member = await opts.checkMemberGroups(id, list.groups);
      const ok = member.some((g) => list.groups.includes(g.toLowerCase()));
      cache.set(id, { ok, until: now() + ttl });
      return ok;
    } catch (err) {
      opts.log.warn({ err: (err as Error).message }, 'responder group check failed; denying this click');
      return false;
    }
  };
}

const CheckMemberGroupsBody = z.object({ value: z.array(z.string()) });

/** checkMemberGroups over any Graph client with a `call(method, path, body)` (src/actions/graph/client.ts). */
export function graphCheckMemberGroups(graph: { call(method: 'POST', path: string, body?: unknown): Promise<{ body: unknown }> }): CheckMemberGroups {
  return async (userObjectId, groupIds) => {
    const res = await graph.call('POST', `/users/${encodeURIComponent(userObjectId)}/checkMemberGroups`, { groupIds });
    return CheckMemberGroupsBody.parse(res.body).value;
  };
}
