import { z } from 'zod';
import { ActionRequest } from './action.js';
import { EventActor } from './event.js';

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * open → acknowledged (a responder owns it) → actioned (contained: sessions revoked or user suspended; cards say
 * "Resolved") or dismissed. `in-progress` is the Teams card's momentary state while a click is being worked on.
 */
export const AlertStatus = z.enum(['open', 'acknowledged', 'in-progress', 'actioned', 'dismissed']);
export type AlertStatus = z.infer<typeof AlertStatus>;
/** Statuses that still need a responder (lists, home views, reminders). */
export const UNRESOLVED_STATUSES: ReadonlySet<AlertStatus> = new Set(['open', 'acknowledged', 'in-progress']);
/** For statuses read from outside the schema (the alert index keeps a plain string). */
export const isUnresolved = (status: string): boolean => (UNRESOLVED_STATUSES as ReadonlySet<string>).has(status);

/** A responder, as the chat platform reported them on a click (the same shape as an action request's `by`). */
export const Responder = ActionRequest.shape.by;
export type Responder = z.infer<typeof Responder>;

/** Who owns an alert and since when: the responder who acknowledged it, or whom another responder assigned it to. */
export const AlertOwner = z.object({ who: Responder, at: z.number(), assignedBy: Responder.optional() });
export type AlertOwner = z.infer<typeof AlertOwner>;

/**
 * Reminders for an unacknowledged high-severity alert: `remindedAt` when it was re-announced in its thread with
 * a mention of the responders (level 1), `escalatedAt` when it was posted to the escalation channel (level 2).
 * Written by the escalation job under a replica-wide lock; channels post what the level asks for once.
 */
export const AlertEscalation = z.object({ level: z.union([z.literal(1), z.literal(2)]), remindedAt: z.number(), escalatedAt: z.number().optional() });
export type AlertEscalation = z.infer<typeof AlertEscalation>;

/** One evidence line a responder reads at a glance ("Distance: 8,950 km"). */
export const EvidenceItem = z.object({ label: z.string(), value: z.string() });
export type EvidenceItem = z.infer<typeof EvidenceItem>;

export const Alert = z.object({
  /** Deterministic: hash of detection + actor + window start. Re-processing yields the same id. */
  id: z.string(),
  detection: z.string(),
  severity: Severity,
  title: z.string(),
  summary: z.string(),
  actor: EventActor,
  eventIds: z.array(z.string()),
  /** How many matching events the alert covers (eventIds is capped). */
  count: z.number().int().nonnegative(),
  firstSeen: z.number(),
  lastSeen: z.number(),
  evidence: z.array(EvidenceItem),
  /** Structured facts for renderers and exports (IPs, countries, distance...). */
  facts: z.record(z.string(), z.unknown()).default({}),
  runbook: z.string().optional(),
  mitre: z.array(z.string()).default([]),
  status: AlertStatus,
  owner: AlertOwner.optional(),
  escalation: AlertEscalation.optional(),
  /** Bumped each time the alert grows or changes, so channels know to update their card. */
  revision: z.number().int().nonnegative().default(1),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
});
export type Alert = z.infer<typeof Alert>;
