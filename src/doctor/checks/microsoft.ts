import { createGraph, type Graph } from '../../actions/graph/index.js';
import { tokenErrorFix } from '../../actions/graph/token.js';
import type { Config } from '../../config/index.js';
import { reason, type DoctorRow } from '../../domain/doctor.js';

/** Each application permission Vigil uses, and the broader ones that also grant it. */
interface GraphPermission {
  role: string;
  alsoBy: string[];
  why: string;
  needed: (c: Config) => boolean;
  /** Missing from the token is a warning with this text, not a failure. */
  missingIsWarning?: string;
  /** No row at all when not needed (a permission only some setups use). */
  hideWhenUnneeded?: boolean;
}

const GRAPH_PERMISSIONS: GraphPermission[] = [
  { role: 'User.Read.All', alsoBy: ['User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'], why: 'find the user and their roles', needed: () => true },
  { role: 'User.RevokeSessions.All', alsoBy: ['User.ReadWrite.All', 'Directory.ReadWrite.All'], why: 'Require re-sign-in', needed: () => true },
  { role: 'User.EnableDisableAccount.All', alsoBy: ['User.ReadWrite.All', 'Directory.ReadWrite.All'], why: 'Suspend / Unsuspend', needed: () => true },
  {
    role: 'Mail.Send',
    alsoBy: [],
    why: 'Notify user by mail',
    needed: (c) => Boolean(c.entra.ENTRA_NOTIFY_SENDER),
    // Exchange Online "RBAC for Applications" grants mail rights outside Entra: the token then has no Mail.Send role.
    missingIsWarning: 'not in the token; fine when granted through Exchange Online RBAC for Applications, otherwise Notify by mail will fail',
  },
  {
    role: 'GroupMember.Read.All',
    alsoBy: ['Group.Read.All', 'Directory.Read.All', 'Directory.ReadWrite.All'],
    why: 'Teams responder groups (TEAMS_RESPONDERS group:<id>)',
    needed: (c) => c.teams.TEAMS_RESPONDERS.some((r) => r.startsWith('group:')),
    hideWhenUnneeded: true,
  },
];

/** The `roles` claim of an app-only access token (its granted application permissions). Never logs the token. */
export function tokenRoles(token: string): string[] {
  const payload = token.split('.')[1];
  if (!payload) return [];
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/** Graph: a client-credentials token is issued, and its `roles` hold every permission Vigil uses. */
export async function checkGraph(config: Config, injected?: Graph): Promise<DoctorRow[]> {
  const graph = injected ?? createGraph(config.entra, { retry: { maxRetries: 2 } });
  if (!graph) return [{ group: 'graph', check: 'Microsoft Graph', status: 'skip', detail: 'not configured: response actions are disabled' }];
  let token: string;
  try {
    token = await graph.tokens.get();
  } catch (err) {
    const msg = reason(err);
    return [{ group: 'graph', check: 'Microsoft Graph token', status: 'fail', detail: msg, fix: tokenErrorFix(msg, 'ENTRA_CLIENT_ID', 'ENTRA_CLIENT_SECRET', 'ENTRA_TENANT_ID') }];
  }
  const roles = new Set(tokenRoles(token));
  const rows: DoctorRow[] = [{ group: 'graph', check: 'Microsoft Graph token', status: 'pass', detail: `issued with ${roles.size} application permission${roles.size === 1 ? '' : 's'}` }];
  for (const p of GRAPH_PERMISSIONS) {
    const check = `Graph permission ${p.role}`;
    if (!p.needed(config)) {
      if (p.hideWhenUnneeded) continue;
      rows.push({ group: 'graph', check, status: 'skip', detail: `not needed (${p.why}: not configured)` });
      continue;
    }
    const via = [p.role, ...p.alsoBy].find((r) => roles.has(r));
    if (via) rows.push({ group: 'graph', check, status: 'pass', detail: via === p.role ? `granted (${p.why})` : `granted through ${via} (${p.why})` });
    else if (p.missingIsWarning)
      rows.push({ group: 'graph', check, status: 'warn', detail: p.missingIsWarning, fix: `Grant ${p.role} for ENTRA_NOTIFY_SENDER's mailbox (see README: Scope Mail.Send to the one sender mailbox)` });
    else
      rows.push({
        group: 'graph',
        check,
        status: 'fail',
        detail: `missing: ${p.why} will fail`,
        fix: `Add the application permission ${p.role} (Microsoft Graph) to the app registration and grant admin consent`,
      });
  }
  return rows;
}
