import { z } from 'zod';
import { AlertStatus, type AlertView } from '../../domain/index.js';

export const SIEM_SCHEMA = 'vigil.alert/v1';

const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

/**
 * The documented SIEM payload, version 1. Fields are only ever added within v1 (receivers must ignore unknown
 * fields); a rename or removal becomes `vigil.alert/v2`. Times are ISO-8601 UTC with milliseconds.
 */
export const SiemAlertV1 = z.object({
  schema: z.literal(SIEM_SCHEMA),
  /** `alert.created` for the first delivery of an alert to this receiver, `alert.updated` afterwards. */
  event: z.enum(['alert.created', 'alert.updated']),
  /** `<alert id>.r<revision>`: the same value as the Idempotency-Key header. One per alert revision. */
  id: z.string(),
  dryRun: z.boolean(),
  alert: z.object({
    id: z.string(),
    revision: z.number().int(),
    detection: z.string(),
    severity: z.enum(['low', 'medium', 'high', 'critical']),
    status: AlertStatus,
    title: z.string(),
    summary: z.string(),
    actor: z.object({ id: z.string(), email: z.string().optional(), name: z.string().optional() }),
    firstSeen: iso,
    lastSeen: iso,
    count: z.number().int(),
    eventIds: z.array(z.string()),
    evidence: z.array(z.object({ label: z.string(), value: z.string() })),
    facts: z.record(z.string(), z.unknown()),
    mitre: z.array(z.string()),
    runbook: z.string().optional(),
  }),
  /** Latest outcome per response action. */
  actions: z.array(
    z.object({
      kind: z.string(),
      status: z.string(),
      message: z.string(),
      by: z.object({ platform: z.string(), id: z.string(), name: z.string().optional() }),
      at: iso,
    }),
  ),
  /** Audit trail of the alert, oldest first. */
  audit: z.array(z.object({ at: iso, what: z.string(), by: z.string(), outcome: z.string() })),
  links: z.object({ activity: z.string().optional() }),
});
export type SiemAlertV1 = z.infer<typeof SiemAlertV1>;

const toIso = (ms: number) => new Date(ms).toISOString();

/** `<alert id>.r<revision>`: stable across retries, so receivers can drop duplicates. */
export const deliveryId = (view: AlertView) => `${view.alert.id}.r${view.alert.revision}`;

/** Pure: build the v1 payload of one alert revision. The same view always yields the same bytes. */
export function buildSiemPayload(view: AlertView, event: SiemAlertV1['event']): SiemAlertV1 {
  const a = view.alert;
  const actor: SiemAlertV1['alert']['actor'] = { id: a.actor.id };
  if (a.actor.email) actor.email = a.actor.email;
  if (a.actor.name) actor.name = a.actor.name;
  const alert: SiemAlertV1['alert'] = {
    id: a.id,
    revision: a.revision,
    detection: a.detection,
    severity: a.severity,
    status: a.status,
    title: a.title,
    summary: a.summary,
    actor,
    firstSeen: toIso(a.firstSeen),
    lastSeen: toIso(a.lastSeen),
    count: a.count,
    eventIds: a.eventIds,
    evidence: a.evidence.map((e) => ({ label: e.label, value: e.value })),
    facts: a.facts,
    mitre: a.mitre,
  };
  if (a.runbook) alert.runbook = a.runbook;
  return {
    schema: SIEM_SCHEMA,
    event,
    id: deliveryId(view),
    dryRun: view.dryRun,
    alert,
    actions: [...view.outcomes]
      .sort((x, y) => x.at - y.at || x.kind.localeCompare(y.kind))
      .map((o) => ({ kind: o.kind, status: o.status, message: o.message, by: { ...o.by }, at: toIso(o.at) })),
    audit: view.audit.map((r) => ({ at: toIso(r.at), what: r.what, by: r.by, outcome: r.outcome })),
    links: {},
  };
}
