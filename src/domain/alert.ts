import { z } from 'zod';
import { EventActor } from './event.js';

export const Severity = z.enum(['low', 'medium', 'high', 'critical']);
export type Severity = z.infer<typeof Severity>;
export const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export const AlertStatus = z.enum(['open', 'in-progress', 'actioned', 'dismissed']);
export type AlertStatus = z.infer<typeof AlertStatus>;

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
  /** Bumped each time the alert grows or changes, so channels know to update their card. */
  revision: z.number().int().nonnegative().default(1),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
});
export type Alert = z.infer<typeof Alert>;
