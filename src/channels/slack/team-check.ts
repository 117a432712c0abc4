import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { ConfigError } from '../../domain/errors.js';
import type { Logger } from '../../log.js';

/**
 * Every Slack request Vigil serves must come from the installation it was set up for: a workspace (team id
 * `T…`), or an Enterprise Grid org for an org-wide install (enterprise id `E…`). One app's signing secret signs
 * the requests of every workspace the app is installed in, so a valid signature alone does not say "ours".
 *
 * Where Slack puts the ids (docs.slack.dev interaction payloads, slash commands, Events API, org-wide apps):
 * - interactivity (block_actions, view_submission, shortcuts, block_suggestion): `team.id` (`team` is null for
 *   an org-wide install), `team.enterprise_id`, `enterprise.id`, `is_enterprise_install`;
 * - slash commands (form fields): `team_id`, `enterprise_id`, `is_enterprise_install` ("true");
 * - Events API: `authorizations[0].team_id` / `.enterprise_id` (the installation the event is for), else the
 *   top-level `team_id` / `enterprise_id`.
 */

/** The installation Vigil serves. `teamId` unset means an org-wide install: any workspace of `enterpriseId`. */
export interface Installation {
  teamId?: string;
  enterpriseId?: string;
}

/** Where one request says it comes from. */
export interface Origin {
  teamId?: string;
  enterpriseId?: string;
}

/** The fields of auth.test this needs (docs: team_id, enterprise_id, is_enterprise_install). */
export interface AuthTestIds {
  team_id?: string;
  enterprise_id?: string;
  is_enterprise_install?: boolean;
}

const id = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 64 ? v : undefined);
const obj = (v: unknown) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/**
 * The installation from SLACK_TEAM_ID / SLACK_ENTERPRISE_ID, or learned from auth.test with the bot token when
 * both are unset. A setting that contradicts the token's own workspace stops the start (every request would be
 * refused otherwise).
 */
export function installationFrom(env: { SLACK_TEAM_ID?: string; SLACK_ENTERPRISE_ID?: string }, auth: AuthTestIds): Installation {
  const orgWide = auth.is_enterprise_install === true;
  const authEnterprise = id(auth.enterprise_id) ?? (orgWide && auth.team_id?.startsWith('E') ? auth.team_id : undefined);
  if (env.SLACK_TEAM_ID || env.SLACK_ENTERPRISE_ID) {
    if (env.SLACK_TEAM_ID && !orgWide && auth.team_id && auth.team_id !== env.SLACK_TEAM_ID)
      throw new ConfigError(`SLACK_TEAM_ID is ${env.SLACK_TEAM_ID}, but SLACK_BOT_TOKEN belongs to workspace ${auth.team_id} (auth.test). Set SLACK_TEAM_ID to the installed workspace, or leave it unset to learn it from the token.`);
    if (env.SLACK_ENTERPRISE_ID && authEnterprise && authEnterprise !== env.SLACK_ENTERPRISE_ID)
      throw new ConfigError(`SLACK_ENTERPRISE_ID is ${env.SLACK_ENTERPRISE_ID}, but SLACK_BOT_TOKEN belongs to Enterprise Grid org ${authEnterprise} (auth.test).`);
    // A workspace install only ever serves its own workspace, even when only the org was named.
    return { teamId: env.SLACK_TEAM_ID ?? (orgWide ? undefined : id(auth.team_id)), enterpriseId: env.SLACK_ENTERPRISE_ID ?? authEnterprise };
  }
  if (orgWide) {
    if (!authEnterprise) throw new ConfigError('auth.test says the Slack app is installed org-wide but names no enterprise id: set SLACK_ENTERPRISE_ID.');
    return { enterpriseId: authEnterprise };
  }
  if (!id(auth.team_id)) throw new ConfigError('auth.test named no workspace (team_id) for SLACK_BOT_TOKEN: set SLACK_TEAM_ID.');
  return { teamId: auth.team_id, enterpriseId: authEnterprise };
}

/** The team and enterprise a Slack request body names, per payload shape (see the list above). */
export function originOf(body: unknown): Origin {
  const b = obj(body) ?? {};
  if (b.type === 'event_callback' || obj(b.event)) {
    const auth = Array.isArray(b.authorizations) ? obj(b.authorizations[0]) : undefined;
    return { teamId: id(auth?.team_id) ?? id(b.team_id), enterpriseId: id(auth?.enterprise_id) ?? id(b.enterprise_id) };
  }
  if (typeof b.command === 'string') return { teamId: id(b.team_id), enterpriseId: id(b.enterprise_id) };
  const team = obj(b.team);
  return { teamId: id(team?.id), enterpriseId: id(obj(b.enterprise)?.id) ?? id(team?.enterprise_id) };
}

/** Why a request is not from the installation, or undefined when it is. */
export function foreignReason(inst: Installation, origin: Origin): string | undefined {
  if (inst.teamId) {
    if (origin.teamId !== inst.teamId) return `workspace ${origin.teamId ?? '(none)'} is not the installed workspace ${inst.teamId}`;
    if (inst.enterpriseId && origin.enterpriseId && origin.enterpriseId !== inst.enterpriseId)
      return `enterprise ${origin.enterpriseId} is not the installed org ${inst.enterpriseId}`;
    return undefined;
  }
  if (origin.enterpriseId !== inst.enterpriseId) return `enterprise ${origin.enterpriseId ?? '(none)'} is not the installed org ${inst.enterpriseId ?? '(none)'}`;
  return undefined;
}

/**
 * Bolt global middleware (HTTP and Socket Mode alike), registered before every listener: a request from another
 * workspace or org is acknowledged with nothing (so Slack shows no error and retries nothing), logged with the
 * reason, and goes no further — no action, no lookup, no answer. Events are acknowledged by Bolt itself.
 */
export function installationGuard(inst: Installation, log: Logger, onRefused?: () => void): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const origin = originOf(args.body);
    const reason = foreignReason(inst, origin);
    if (!reason) return args.next();
    const body = obj(args.body) ?? {};
    const user = id(obj(body.user)?.id) ?? id(body.user_id);
    log.warn({ reason, team: origin.teamId, enterprise: origin.enterpriseId, type: id(body.type) ?? (body.command ? 'slash_command' : undefined), user }, 'Slack request from another workspace refused');
    onRefused?.();
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  };
}
