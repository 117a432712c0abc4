import { DISMISS_REASONS, alertLink, liveActions, type ActionKind, type AlertView } from '../../domain/index.js';
import { SEVERITY_BADGE, SEVERITY_STYLE, STATUS_LABEL, outcomeLine, plain, truncate, utc } from './card-text.js';
import { ownerBlocks, ownershipActionSet } from './card-owner.js';
import type { Assignee } from './assignees.js';

/**
 * The Teams alert card: a pure function from AlertView to an Adaptive Card 1.5 (the highest version Teams
 * renders). Same content as the Slack card: severity, title, summary, user, evidence, timing, MITRE, runbook,
 * outcomes with who acted and when, and the response buttons while the alert is open.
 *
 * Buttons are Action.Execute (Universal Actions) with a verb; Teams sends them to the bot as an
 * `adaptiveCard/action` invoke. The payload carries only the alert id: the handler reloads the alert and
 * re-authorises the clicking user. Destructive actions (revoke, suspend) open a confirm step first; suspend
 * and dismiss ask for a reason. Old clients that do not know Action.Execute fall back to Action.Submit.
 */

export const VERBS = { notify: 'notify', revoke: 'revoke', suspend: 'suspend', dismiss: 'dismiss', refresh: 'refresh', acknowledge: 'acknowledge', assign: 'assign' } as const;
export type Verb = (typeof VERBS)[keyof typeof VERBS];
/** Verbs that change who owns the alert (ownership.ts), not Entra ID. */
export type OwnerVerb = 'acknowledge' | 'assign';
export const isOwnerVerb = (v: string): v is OwnerVerb => v === 'acknowledge' || v === 'assign';

/** The action a verb runs (refresh runs none). */
export const VERB_KIND: Record<Exclude<Verb, 'refresh' | OwnerVerb>, ActionKind> = {
  notify: 'notify',
  revoke: 'revoke-sessions',
  suspend: 'suspend',
  dismiss: 'dismiss',
};

export type Json = Record<string, unknown>;

export interface CardOptions {
  /** Render without response buttons (a read-only view for someone who is not a responder). */
  readOnly?: boolean;
  /** A line shown at the top, e.g. "Only responders can act on this alert." */
  notice?: string;
  /** The responders Assign… offers (none: no Assign…). */
  assignees?: readonly Assignee[];
}

const MAX_EVIDENCE = 15;
const MAX_OUTCOMES = 10;

export function executeAction(verb: Verb, title: string, alertId: string, style?: 'positive' | 'destructive', enabled = true): Json {
  const data = { vigil: 'alert-action', alertId, verb };
  return {
    type: 'Action.Execute',
    verb,
    title,
    data,
    ...(style ? { style } : {}),
    ...(enabled ? {} : { isEnabled: false }),
    fallback: { type: 'Action.Submit', title, data },
  };
}

export function confirmCard(title: string, body: Json[], action: Json): Json {
  return { type: 'Action.ShowCard', title, card: { type: 'AdaptiveCard', body, actions: [action] } };
}

function responseActions(view: AlertView): Json[] {
  const { alert } = view;
  const id = alert.id;
  const live = new Set(liveActions(view));
  const enabled = alert.status !== 'in-progress';
  const actions: Json[] = [];
  if (live.has('notify')) actions.push(executeAction('notify', 'Notify user', id, undefined, enabled));
  if (live.has('revoke-sessions'))
    actions.push(
      enabled
        ? confirmCard(
            'Require re-sign-in',
            [{ type: 'TextBlock', wrap: true, text: 'Revoke all of this user\'s Entra ID sessions? Issued access tokens stay valid for up to an hour.' }],
            executeAction('revoke', 'Confirm: revoke sessions', id, 'destructive'),
          )
        : executeAction('revoke', 'Require re-sign-in', id, undefined, false),
    );
  if (live.has('suspend'))
    actions.push(
      enabled
        ? confirmCard(
            'Suspend user',
            [
              { type: 'TextBlock', wrap: true, weight: 'Bolder', text: 'Suspend this user in Entra ID? They are signed out and cannot sign in again.' },
              {
                type: 'Input.Text',
                id: 'reason',
                label: 'Reason (recorded in the audit trail)',
                isMultiline: true,
                isRequired: true,
                maxLength: 500,
                errorMessage: 'A reason is required to suspend a user.',
              },
            ],
            executeAction('suspend', 'Confirm: suspend user', id, 'destructive'),
          )
        : executeAction('suspend', 'Suspend user', id, undefined, false),
    );
  if (live.has('dismiss'))
    actions.push(
      enabled
        ? confirmCard(
            'Dismiss',
            [
              {
                type: 'Input.ChoiceSet',
                id: 'dismissReason',
                label: 'Why dismiss?',
                style: 'compact',
                isRequired: true,
                errorMessage: 'Pick a reason.',
                value: 'false-positive',
                choices: DISMISS_REASONS.map((r) => ({ title: r.label, value: r.value })),
              },
              { type: 'Input.Text', id: 'reason', label: 'Note (optional)', maxLength: 500 },
            ],
            executeAction('dismiss', 'Confirm: dismiss', id),
          )
        : executeAction('dismiss', 'Dismiss', id, undefined, false),
    );
  return actions;
}

/** Render one alert as an Adaptive Card 1.5. */
export function renderAlertCard(view: AlertView, opts: CardOptions = {}): Json {
  const { alert } = view;
  const user = alert.actor.email ? `${alert.actor.name ?? alert.actor.email} <${alert.actor.email}>` : (alert.actor.name ?? alert.actor.id);
  const facts: Json[] = [
    { title: 'User', value: plain(user, 200) },
    { title: 'Status', value: STATUS_LABEL[alert.status] },
    { title: 'Events', value: String(alert.count) },
    { title: 'First seen', value: utc(alert.firstSeen) },
    { title: 'Last seen', value: utc(alert.lastSeen) },
    ...alert.evidence.slice(0, MAX_EVIDENCE).map((e) => ({ title: plain(e.label, 60), value: plain(e.value, 300) })),
  ];
  if (alert.evidence.length > MAX_EVIDENCE) facts.push({ title: 'More', value: `${alert.evidence.length - MAX_EVIDENCE} more evidence items` });
  if (alert.mitre.length > 0) facts.push({ title: 'MITRE ATT&CK', value: plain(alert.mitre.join(', '), 200) });
  facts.push({ title: 'Alert', value: plain(alert.id, 200) });

  const body: Json[] = [
    {
      type: 'Container',
      style: SEVERITY_STYLE[alert.severity],
      bleed: true,
      items: [
        { type: 'TextBlock', size: 'Small', weight: 'Bolder', text: `${SEVERITY_BADGE[alert.severity]} · ${plain(alert.detection, 80)}`, wrap: true },
        { type: 'TextBlock', style: 'heading', size: 'Medium', weight: 'Bolder', text: plain(alert.title, 200), wrap: true },
      ],
    },
  ];
  if (view.dryRun)
    body.push({ type: 'TextBlock', color: 'Warning', weight: 'Bolder', wrap: true, text: 'Dry run: response actions are simulated and change nothing.' });
  if (opts.notice) body.push({ type: 'TextBlock', isSubtle: true, wrap: true, text: plain(opts.notice, 300) });
  body.push({ type: 'TextBlock', wrap: true, text: plain(alert.summary, 2000) });
  body.push({ type: 'FactSet', facts });
  if (alert.runbook)
    body.push({ type: 'TextBlock', wrap: true, isSubtle: true, text: `**Runbook:** ${plain(alert.runbook, 1000)}` });
  body.push({ type: 'TextBlock', wrap: true, isSubtle: true, spacing: 'Small', text: `🔎 Recent activity: @Vigil activity ${plain(alert.actor.email ?? alert.actor.id, 200)}` });

  body.push(...ownerBlocks(alert));
  const outcomes = [...view.outcomes].sort((a, b) => a.at - b.at).slice(-MAX_OUTCOMES);
  if (outcomes.length > 0)
    body.push({
      type: 'Container',
      separator: true,
      items: outcomes.map((o) => ({ type: 'TextBlock', wrap: true, spacing: 'Small', text: outcomeLine(o) })),
    });

  const owning = opts.readOnly ? undefined : ownershipActionSet(view, opts.assignees ?? []);
  if (owning) body.push(owning);
  const link = alertLink(alert);
  const actions = [...(opts.readOnly ? [] : responseActions(view)), ...(link ? [{ type: 'Action.OpenUrl', title: plain(link.label, 60), url: link.url }] : [])];
  if (actions.length > 0) body.push({ type: 'ActionSet', actions });

  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    msteams: { width: 'Full' },
    // Manual "Refresh card": re-renders the current state (and the reader's view) on request.
    refresh: { action: { type: 'Action.Execute', verb: VERBS.refresh, data: { vigil: 'alert-action', alertId: alert.id, verb: 'refresh' } }, userIds: [] },
    body,
  };
}

/** The text Teams shows in notifications and the chat list for the alert message. */
export function alertSummaryText(view: AlertView): string {
  return truncate(`${SEVERITY_BADGE[view.alert.severity]} ${view.alert.title}`.replace(/\s+/g, ' '), 200);
}
