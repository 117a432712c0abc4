import { isUnresolved, type Alert, type AlertOwner, type Responder } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { responderKey, responderName } from './context.js';
import { createKeyedLock } from './lock.js';

/**
 * Owning an alert: "Acknowledge" takes it for the clicking responder, "Assign…" gives it to another responder.
 * The channels check both people against their responder lists first (the clicker, and for assign the assignee);
 * this decides under the store lock, so two clicks on two replicas cannot both win, writes the owner on the alert
 * (the outbox then redraws every card and the thread says who owns it) and one audit line per request.
 */
export interface OwnershipRequest {
  alertId: string;
  kind: 'acknowledge' | 'assign';
  by: Responder;
  /** assign: the responder the alert goes to (already checked to be a responder by the channel). */
  to?: Responder;
  requestedAt: number;
}

export interface OwnershipResult {
  /** done: the owner changed; repeat: it already was so (nothing written); refused: not allowed, with why. */
  status: 'done' | 'repeat' | 'refused';
  message: string;
  alert?: Alert;
}

const samePerson = (a: Responder, b: Responder) => responderKey(a) === responderKey(b);

/** "Acknowledged by Alice" / "Assigned to Bob by Alice": one wording for cards, threads, lists and the audit. */
export function ownerText(owner: AlertOwner, name: (r: Responder) => string = responderName): string {
  return owner.assignedBy && !samePerson(owner.assignedBy, owner.who) ? `Assigned to ${name(owner.who)} by ${name(owner.assignedBy)}` : `Acknowledged by ${name(owner.who)}`;
}

type Decision = { status: 'done'; next: Alert } | { status: 'repeat' | 'refused'; message: string };

/** The pure rule: what a request does to the alert as stored now. */
export function decideOwnership(alert: Alert, req: OwnershipRequest, at: number): Decision {
  if (!isUnresolved(alert.status))
    return { status: 'refused', message: `This alert is already ${alert.status === 'dismissed' ? 'dismissed' : 'resolved'}; there is nothing to own.` };
  const current = alert.owner;
  if (req.kind === 'acknowledge') {
    if (current && samePerson(current.who, req.by)) return { status: 'repeat', message: `You already own this alert (${ownerText(current)}).` };
    if (current) return { status: 'refused', message: `${ownerText(current)} already; use Assign… to take it over or hand it on.` };
    const owner: AlertOwner = { who: req.by, at };
    return { status: 'done', next: { ...alert, owner, status: alert.status === 'open' ? 'acknowledged' : alert.status } };
  }
  if (!req.to) return { status: 'refused', message: 'Pick the responder to assign this alert to.' };
  if (current && samePerson(current.who, req.to)) return { status: 'repeat', message: `${ownerText(current)} already.` };
  const owner: AlertOwner = { who: req.to, at, assignedBy: req.by };
  return { status: 'done', next: { ...alert, owner, status: alert.status === 'open' ? 'acknowledged' : alert.status } };
}

export function createOwnership(deps: { store: Store; log: Logger; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const withLock = createKeyedLock(deps.store.locks);

  async function run(req: OwnershipRequest): Promise<OwnershipResult> {
    let decision: Decision | undefined;
    const at = now();
    const updated = await deps.store.updateAlert(req.alertId, (a) => {
      decision = decideOwnership(a, req, at);
      return decision.status === 'done' ? decision.next : undefined;
    });
    if (!decision) return { status: 'refused', message: `Alert ${req.alertId.slice(0, 80)} does not exist (it may have been pruned).` };
    const by = `${responderName(req.by)} (${responderKey(req.by)})`;
    const detail = { requestedAt: req.requestedAt, ...(req.to ? { to: `${responderName(req.to)} (${responderKey(req.to)})` } : {}) };
    if (decision.status !== 'done') {
      await deps.store.appendAudit({ at, alertId: req.alertId, what: req.kind, by, outcome: decision.status, detail: { ...detail, message: decision.message } });
      return { status: decision.status, message: decision.message, alert: await deps.store.getAlert(req.alertId) };
    }
    await deps.store.appendAudit({ at, alertId: req.alertId, what: req.kind, by, outcome: 'done', detail });
    deps.log.info({ alertId: req.alertId, kind: req.kind, by: responderKey(req.by), to: req.to && responderKey(req.to) }, 'alert owner changed');
    return { status: 'done', message: `${ownerText(updated!.owner!)}.`, alert: updated };
  }

  return {
    /** Acknowledge or assign, one request per alert at a time in this process (and across replicas on a shared store). */
    take: (req: OwnershipRequest) => withLock(`${req.alertId}:owner`, () => run(req)),
  };
}
export type Ownership = ReturnType<typeof createOwnership>;
