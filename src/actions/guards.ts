import type { EntraUser, Memberships } from './graph/users.js';

/** ENTRA_PROTECTED_USERS parsed: object ids, UPNs (or mail addresses), and groups written `group:<object id>`. */
export interface ProtectedList {
  ids: Set<string>;
  upns: Set<string>;
  groups: Set<string>;
}

export function parseProtectedList(entries: string[]): ProtectedList {
  const out: ProtectedList = { ids: new Set(), upns: new Set(), groups: new Set() };
  for (const raw of entries) {
    const e = raw.trim().toLowerCase();
    if (!e) continue;
    if (e.startsWith('group:')) out.groups.add(e.slice('group:'.length));
    else if (e.includes('@')) out.upns.add(e);
    else out.ids.add(e);
  }
  return out;
}

/** Why the user is protected, or undefined. Group membership needs `memberships` (transitive). */
export function protectedReason(list: ProtectedList, user: EntraUser, memberships?: Memberships): string | undefined {
  if (list.ids.has(user.id.toLowerCase())) return `object id ${user.id} is in ENTRA_PROTECTED_USERS`;
  for (const name of [user.userPrincipalName, user.mail])
    if (name && list.upns.has(name.toLowerCase())) return `${name} is in ENTRA_PROTECTED_USERS`;
  const group = memberships?.groupIds.find((g) => list.groups.has(g.toLowerCase()));
  if (group) return `member of protected group ${group} (ENTRA_PROTECTED_USERS)`;
  return undefined;
}

/**
 * "Admin" for four-eyes: the user holds at least one activated Entra directory role (any role: Global
 * Administrator, User Administrator, Helpdesk Administrator...), directly or through a role-assignable group.
 * Read from transitiveMemberOf with User.Read.All only. Roles that are merely PIM-eligible (not activated) are
 * not visible there; protect those accounts with ENTRA_PROTECTED_USERS.
 */
export const isAdmin = (m: Memberships) => m.directoryRoleIds.length > 0;
