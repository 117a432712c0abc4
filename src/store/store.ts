import { z } from 'zod';
import { Alert, ActionOutcome, SEVERITY_RANK } from '../domain/index.js';
import { CARD_ACTION_KINDS, buildAlertView, type AlertView } from '../domain/alert-view.js';
import { keys } from './keys.js';
import type { KV } from './kv.js';
import { createLocalLockBackend, createLocks } from './locks.js';

export const Checkpoint = z.object({
  /** events-stream cursor to resume from (returned even on the last page). */
  cursor: z.string().optional(),
  /** Highest processedAt seen, epoch ms: the fallback when the cursor is rejected. */
  watermark: z.number().optional(),
  /** Detection engine state (opaque to the store; the engine validates its own shape). */
  engine: z.unknown().optional(),
  /** Event ids already processed, with their processedAt, pruned to the overlap window. */
  seen: z.record(z.string(), z.number()).default({}),
  updatedAt: z.number(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

export const AlertIndexEntry = z.object({ id: z.string(), lastSeen: z.number(), detection: z.string(), status: z.string() });
export type AlertIndexEntry = z.infer<typeof AlertIndexEntry>;

export const Delivery = z.object({
  channel: z.string(),
  alertId: z.string(),
  revision: z.number(),
  ref: z.record(z.string(), z.string()).default({}),
  attempts: z.number().default(0),
  lastError: z.string().optional(),
  nextAttemptAt: z.number().optional(),
  deliveredAt: z.number().optional(),
  /** Written just before a first post: a crash after the post and before the ref is saved leaves this behind. */
  intentAt: z.number().optional(),
});
export type Delivery = z.infer<typeof Delivery>;

export const SweepSummary = z.object({
  startedAt: z.number(),
  finishedAt: z.number(),
  events: z.number(),
  alerts: z.number(),
  skipped: z.number(),
  ok: z.boolean(),
  error: z.string().optional(),
  /** The coded error's code (e.g. upstream_auth for a rejected API key). */
  errorCode: z.string().optional(),
});
export type SweepSummary = z.infer<typeof SweepSummary>;

export const AuditRecord = z.object({
  at: z.number(),
  alertId: z.string(),
  what: z.string(),
  by: z.string(),
  outcome: z.string(),
  detail: z.record(z.string(), z.unknown()).default({}),
});
export type AuditRecord = z.infer<typeof AuditRecord>;

/**
 * Merge an alert produced by the engine into the stored one. Responder-owned fields (status, revision
 * history) are kept; the evidence grows. Returns `existing` itself when nothing changed, so a replayed page
 * (after a crash) neither rewrites nor re-delivers the alert.
 */
export function mergeAlert(existing: Alert | undefined, incoming: Alert): Alert {
  if (!existing) return { ...incoming, revision: 1 };
  const eventIds = [...new Set([...existing.eventIds, ...incoming.eventIds])].slice(-100);
  const count = Math.max(existing.count, incoming.count);
  const lastSeen = Math.max(existing.lastSeen, incoming.lastSeen);
  const firstSeen = Math.min(existing.firstSeen, incoming.firstSeen);
  const grew = count !== existing.count || lastSeen !== existing.lastSeen || firstSeen !== existing.firstSeen;
  const severityUp = SEVERITY_RANK[incoming.severity] > SEVERITY_RANK[existing.severity];
  if (!grew && !severityUp) return existing;
  return {
    ...existing,
    eventIds,
    count,
    lastSeen,
    firstSeen,
    severity: severityUp ? incoming.severity : existing.severity,
    title: incoming.title,
    summary: incoming.summary,
    evidence: incoming.evidence,
    facts: { ...existing.facts, ...incoming.facts },
    revision: existing.revision + 1,
  };
}

/** Read a value and parse it; a corrupt value is reported, never silently used. */
async function read<T>(kv: KV, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const raw = await kv.get(key);
  if (raw === undefined || raw === null) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`store value at ${key} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

/**
 * The typed store. Every read goes through zod; list-shaped values are updated under one in-process
 * mutex (multi-replica deployments additionally take the store lock around sweeps and drains).
 */
export function createStore(kv: KV, opts: { lockLeaseMs?: number } = {}) {
  const locks = createLocks(kv.locks ?? createLocalLockBackend());
  // Shared lists (outbox, alert index, audit trails) are read-modify-written: one writer at a time across replicas.
  const exclusive = locks.mutex('store', { ttlMs: opts.lockLeaseMs ?? 30_000, waitMs: 30_000 });

  async function upsertIndex(alert: Alert) {
    const index = (await read(kv, keys.alertIndex(), z.array(AlertIndexEntry))) ?? [];
    const entry = { id: alert.id, lastSeen: alert.lastSeen, detection: alert.detection, status: alert.status };
    const at = index.findIndex((e) => e.id === alert.id);
    if (at >= 0) index[at] = entry;
    else index.push(entry);
    await kv.set(keys.alertIndex(), index);
  }

  const store = {
    kv,
    kind: kv.kind,
    exclusive,
    locks,

    getCheckpoint: (orgId: string) => read(kv, keys.checkpoint(orgId), Checkpoint),
    saveCheckpoint: (orgId: string, cp: Checkpoint) => kv.set(keys.checkpoint(orgId), cp),

    getAlert: (id: string) => read(kv, keys.alert(id), Alert),

    /** Write alerts (new or grown) and queue them for delivery. Idempotent: same alert, same result. */
    saveAlerts: (alerts: Alert[]) =>
      exclusive(async () => {
        if (alerts.length === 0) return;
        const changed: Alert[] = [];
        for (const a of alerts) {
          const existing = await read(kv, keys.alert(a.id), Alert);
          const merged = mergeAlert(existing, a);
          if (merged === existing) continue; // a replay of what is stored already: nothing to write or deliver
          changed.push(merged);
        }
        if (changed.length === 0) return;
        // Queue first, alert last: a crash in between leaves the alert unwritten, so the replayed batch sees it
        // as changed and writes (and queues) it again. The other order would store an alert never delivered.
        const pending = new Set((await read(kv, keys.outbox(), z.array(z.string()))) ?? []);
        for (const a of changed) pending.add(a.id);
        await kv.set(keys.outbox(), [...pending]);
        for (const merged of changed) {
          await upsertIndex(merged);
          await kv.set(keys.alert(merged.id), merged);
        }
      }),

    /** Update one alert (status change after an action) and queue the card update. */
    updateAlert: (id: string, change: (a: Alert) => Alert) =>
      exclusive(async () => {
        const current = await read(kv, keys.alert(id), Alert);
        if (!current) return undefined;
        const next = { ...change(current), revision: current.revision + 1, updatedAt: Date.now() };
        const pending = new Set((await read(kv, keys.outbox(), z.array(z.string()))) ?? []);
        pending.add(id);
        await kv.set(keys.outbox(), [...pending]); // queued before written: a crash never leaves a change unsent
        await kv.set(keys.alert(id), next);
        await upsertIndex(next);
        return next;
      }),

    listAlertIndex: async () => (await read(kv, keys.alertIndex(), z.array(AlertIndexEntry))) ?? [],

    /** Remove alerts whose lastSeen is older than `before` (retention). Returns how many were removed. */
    pruneAlerts: (before: number) =>
      exclusive(async () => {
        const index = (await read(kv, keys.alertIndex(), z.array(AlertIndexEntry))) ?? [];
        const keep = index.filter((e) => e.lastSeen >= before);
        const drop = index.filter((e) => e.lastSeen < before);
        for (const e of drop) {
          await kv.delete(keys.alert(e.id));
          await kv.delete(keys.audit(e.id));
        }
        await kv.set(keys.alertIndex(), keep);
        return drop.length;
      }),

    pendingOutbox: async () => (await read(kv, keys.outbox(), z.array(z.string()))) ?? [],
    /**
     * Take delivered alerts off the outbox. With `delivered` (id → revision every channel now has), an alert
     * that gained a newer revision meanwhile (a click on another replica) stays queued.
     */
    removeFromOutbox: (ids: string[], delivered?: ReadonlyMap<string, number>) =>
      exclusive(async () => {
        const drop = new Set(ids);
        if (delivered)
          for (const id of ids) {
            // Keep an alert written after the drain read it (absent then) or grown since (newer revision).
            const current = await read(kv, keys.alert(id), Alert).catch(() => undefined);
            const rev = delivered.get(id);
            if (current && (rev === undefined || current.revision > rev)) drop.delete(id);
          }
        const pending = ((await read(kv, keys.outbox(), z.array(z.string()))) ?? []).filter((id) => !drop.has(id));
        await kv.set(keys.outbox(), pending);
      }),

    getDelivery: (channel: string, alertId: string) => read(kv, keys.delivery(channel, alertId), Delivery),
    saveDelivery: (d: Delivery) => kv.set(keys.delivery(d.channel, d.alertId), d),

    appendAudit: (rec: AuditRecord) =>
      exclusive(async () => {
        const list = (await read(kv, keys.audit(rec.alertId), z.array(AuditRecord))) ?? [];
        list.push(rec);
        await kv.set(keys.audit(rec.alertId), list);
      }),
    listAudit: async (alertId: string) => (await read(kv, keys.audit(alertId), z.array(AuditRecord))) ?? [],

    getActionOutcome: (alertId: string, kind: string) => read(kv, keys.action(alertId, kind), ActionOutcome),
    saveActionOutcome: (o: ActionOutcome) => kv.set(keys.action(o.alertId, o.kind), o),

    getLastSweep: () => read(kv, keys.lastSweep(), SweepSummary),
    saveLastSweep: (s: SweepSummary) => kv.set(keys.lastSweep(), s),

    getMeta: <T>(name: string, schema: z.ZodType<T>) => read(kv, keys.meta(name), schema),
    setMeta: (name: string, value: unknown, ttlMs?: number) => kv.set(keys.meta(name), value, ttlMs),

    close: () => kv.close(),

    // Typed operations for the layers above (so none of them needs the raw key-value store).
    /** The card state of an alert: its latest outcome per action, its audit trail, the user's answer. */
    alertView: async (alert: Alert, dryRun: boolean, fresh?: ActionOutcome): Promise<AlertView> => {
      const outcomes = (await Promise.all(CARD_ACTION_KINDS.map((k) => read(kv, keys.action(alert.id, k), ActionOutcome)))).filter((o) => o !== undefined);
      const audit = (await read(kv, keys.audit(alert.id), z.array(AuditRecord))) ?? [];
      return buildAlertView(alert, { outcomes, audit }, dryRun, fresh);
    },
    deleteActionOutcome: (alertId: string, kind: string) => kv.delete(keys.action(alertId, kind)),
    deleteDelivery: (channel: string, alertId: string) => kv.delete(keys.delivery(channel, alertId)),
    /** One read round trip (the readiness check): throws when the store does not answer. */
    probe: async () => void (await kv.get(keys.meta('readyz-probe'))),
    /** Teams conversations the bot was added to: one record per conversation plus the index of their ids. */
    getTeamsConversation: async <T>(id: string, schema: z.ZodType<T>) => {
      const parsed = schema.safeParse(await kv.get(keys.teamsConversation(id)));
      return parsed.success ? parsed.data : undefined;
    },
    saveTeamsConversation: (id: string, value: unknown) => kv.set(keys.teamsConversation(id), value),
    listTeamsConversationIds: async () => z.array(z.string()).catch([]).parse(await kv.get(keys.teamsConversationIndex())),
    saveTeamsConversationIds: (ids: string[]) => kv.set(keys.teamsConversationIndex(), ids),
    /** The outcome answered to a Teams invoke, kept so a retried invoke gets the same answer. */
    getInvokeOutcome: async (invokeId: string) => {
      const parsed = z.object({ outcome: ActionOutcome }).safeParse(await kv.get(keys.teamsInvoke(invokeId)));
      return parsed.success ? parsed.data.outcome : undefined;
    },
    saveInvokeOutcome: (invokeId: string, outcome: ActionOutcome, ttlMs: number) => kv.set(keys.teamsInvoke(invokeId), { outcome }, ttlMs),
  };
  return store;
}
export type Store = ReturnType<typeof createStore>;
