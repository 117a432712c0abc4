import type { EntraEnv } from './settings.js';
import type { ActionOutcome, ActionRequest, Alert, AlertStatus } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import type { GraphClient } from './graph/client.js';
import { describeUser, resolveUser, type EntraUser } from './graph/users.js';
import type { ProtectedList } from './guards.js';
import { describeGraphFailure } from './messages.js';
import type { PeopleCheck } from './four-eyes.js';
import type { UserMessenger } from './types.js';

/** Everything one action needs; built per execute by the service. */
export interface ActionContext {
  req: ActionRequest;
  alert: Alert;
  env: EntraEnv;
  /** Undefined when Entra ID is not configured. */
  graph: GraphClient | undefined;
  protectedList: ProtectedList;
  messengers: UserMessenger[];
  /** The stored outcome of this action kind, if any (a pending four-eyes approval). */
  previous?: ActionOutcome;
  /** With a pending request: whether this click is by another person than the requester (four-eyes.ts). */
  people?: PeopleCheck;
  log: Logger;
  /** For idempotency records written before a call that must not be repeated (sendMail). */
  store: Store;
  now: () => number;
}

/** What an action reports back; the service turns it into the stored ActionOutcome and audit record. */
export interface ActionResult {
  status: ActionOutcome['status'];
  message: string;
  warnings?: string[];
  /** The alert status to set (left unchanged when absent). */
  alertStatus?: AlertStatus;
  /** Extra facts for the audit record (Entra user id, UPN, approvals...). */
  detail?: Record<string, unknown>;
}

/** A stable responder identity for four-eyes comparisons. */
export const responderKey = (by: ActionRequest['by']) => `${by.platform}:${by.id}`;
export const responderName = (by: ActionRequest['by']) => by.name ?? `${by.platform}:${by.id}`;

/**
 * Resolve the alert's Atlassian email to exactly one Entra user, or an ActionResult explaining why not
 * (no email, not found, several matches, Graph failure). Never guesses.
 */
export async function resolveTarget(ctx: ActionContext, graph: GraphClient): Promise<{ user: EntraUser } | { result: ActionResult }> {
  const email = ctx.alert.actor.email;
  if (!email)
    return {
      result: {
        status: 'refused',
        message: `The alert's Atlassian account (${ctx.alert.actor.id}) has no email address, so no Entra ID user can be matched to it.`,
      },
    };
  try {
    const r = await resolveUser(graph, email, ctx.env.ENTRA_DOMAIN_MAP);
    if (r.kind === 'found') return { user: r.user };
    if (r.kind === 'none')
      return {
        result: {
          status: 'refused',
          message: `No Entra ID user matches ${email} (tried ${r.tried.join('; ')}). If Atlassian and Entra ID use different domains, set ENTRA_DOMAIN_MAP.`,
          detail: { email, tried: r.tried },
        },
      };
    return {
      result: {
        status: 'refused',
        message: `${r.users.length} Entra ID users match ${email} (${r.matchedBy}): ${r.users.map(describeUser).join(', ')}. Refusing to guess; act in the Entra admin center.`,
        detail: { email, matches: r.users.map((u) => u.id) },
      },
    };
  } catch (err) {
    return { result: { status: 'failed', message: describeGraphFailure(err, `look up ${email} in Entra ID`) } };
  }
}

/** Audit detail describing the target user. */
export const userDetail = (u: EntraUser) => ({
  entraUserId: u.id,
  userPrincipalName: u.userPrincipalName ?? undefined,
  userType: u.userType ?? undefined,
  accountEnabled: u.accountEnabled ?? undefined,
  onPremisesSyncEnabled: u.onPremisesSyncEnabled ?? undefined,
});
