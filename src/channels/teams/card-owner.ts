import { ownershipActions, unacknowledgedMinutes, type Alert, type AlertOwner, type AlertView, type Responder } from '../../domain/index.js';
import { confirmCard, executeAction, type Json } from './card.js';
import type { Assignee } from './assignees.js';
import { plain, utc } from './card-text.js';

/** A responder by name; a Teams assignee picked in the people picker is known by Entra object id only. */
export function teamsWho(r: Responder): string {
  if (r.name) return plain(r.name, 100);
  return r.platform === 'teams' ? `Entra user ${plain(r.id, 12).slice(0, 8)}…` : `${r.platform} user ${plain(r.id, 40)}`;
}

export function ownerText(owner: AlertOwner): string {
  const assigned = owner.assignedBy && !(owner.assignedBy.platform === owner.who.platform && owner.assignedBy.id === owner.who.id);
  return assigned ? `👤 **Assigned** to ${teamsWho(owner.who)} by ${teamsWho(owner.assignedBy!)} since ${utc(owner.at)}` : `👤 **Acknowledged** by ${teamsWho(owner.who)} since ${utc(owner.at)}`;
}

export function escalationText(alert: Alert): string | undefined {
  const e = alert.escalation;
  if (!e) return undefined;
  if (e.level === 2 && e.escalatedAt !== undefined) return `⏰ **Escalated** at ${utc(e.escalatedAt)}: nobody acknowledged it for ${unacknowledgedMinutes(alert, e.escalatedAt)} min`;
  return `⏰ **Reminder** sent at ${utc(e.remindedAt)}: not acknowledged for ${unacknowledgedMinutes(alert, e.remindedAt)} min`;
}

/** The owner and reminder lines of the card (none for an alert nobody owns or was reminded of). */
export function ownerBlocks(alert: Alert): Json[] {
  const lines = [alert.owner ? ownerText(alert.owner) : undefined, escalationText(alert)].filter((l): l is string => l !== undefined);
  return lines.map((text, i) => ({ type: 'TextBlock', wrap: true, spacing: 'Small', ...(i === 0 ? { separator: true } : {}), text }));
}

/**
 * Acknowledge and Assign… on a row of their own (Teams shows at most 6 actions in a set). Assign… offers a choice
 * of responders (assignees.ts). Teams' people picker (`choices.data`) would list the whole directory and is an
 * Adaptive Cards 1.6 property, beyond the 1.5 Teams renders; the handler re-checks the choice against TEAMS_RESPONDERS.
 */
export function ownershipActionSet(view: AlertView, assignees: readonly Assignee[]): Json | undefined {
  const own = ownershipActions(view);
  const id = view.alert.id;
  const actions: Json[] = [];
  // While an action runs (in-progress) the card's buttons are shown disabled; Acknowledge with them.
  if (own.acknowledge) actions.push(executeAction('acknowledge', '✋ Acknowledge', id, 'positive', view.alert.status !== 'in-progress'));
  if (own.assign && assignees.length > 0)
    actions.push(
      confirmCard(
        'Assign…',
        [
          {
            type: 'Input.ChoiceSet',
            id: 'assignee',
            label: 'Assign to (a Vigil responder)',
            style: 'compact',
            isRequired: true,
            errorMessage: 'Pick the responder to assign this alert to.',
            choices: assignees.map((a) => ({ title: plain(a.name, 100), value: a.id })),
          },
        ],
        executeAction('assign', 'Assign', id),
      ),
    );
  return actions.length > 0 ? { type: 'ActionSet', actions } : undefined;
}
