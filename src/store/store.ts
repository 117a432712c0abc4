import { z } from 'zod';
import { Alert, ActionOutcome, SEVERITY_RANK } from '../domain/index.js';
import { CARD_ACTION_KINDS, buildAlertView, type AlertView } from '../domain/alert-view.js';
import { keys } from './keys.js';
import type { NormalizedEvent } from '../domain/index.js';
import { activityWrites, readActivity } from './activity.js';
import { loadStateRecords, stateRecordWrites, type StateRecords } from './engine-state.js';
import type { KV, WriteOp } from './kv.js';
import { createLocalLockBackend, createLocks } from './locks.js';
import { migrateLegacyCheckpoint } from './migrate.js';

export const Checkpoint = z.object({
  /** 3 since detection state moved out to per-actor records; absent in stores written by Vigil 0.1. */
  version: z.literal(3).optional(),
  /** events-stream cursor to resume from (returned even on the last page). */
  cursor: z.string().optional(),
  /** Highest processedAt seen, epoch ms: the fallback when the cursor is rejected. */
  watermark: z.number().optional(),
  /** Vigil 0.1 only: the whole detection state and the seen ids (converted on first start, see migrate.ts). */
  engine: z.unknown().optional(),
  seen: z.record(z.string(), z.number()).optional(),
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
  /** The sweep learned from history (no alerts raised). */
  learning: z.boolean().optional(),
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

/** Quarantined events are kept a week for inspection. */
const QUARANTINE_TTL_MS = 7 * 86_400_000;

export interface BatchCommit {
  /** Alerts the batch raised or grew: stored (merged) and queued for delivery in the same write. */
  alerts?: readonly Alert[];
  /** Changed detection state records (absent when the batch changed none). */
  state?: StateRecords;
  /** Events to record in the users' activity. */
  activity: readonly NormalizedEvent[];
  /** Event ids now processed (fresh and quarantined), remembered for `seenTtlMs` of wall-clock time. */
  seenIds: readonly string[];
  seenTtlMs: number;
  quarantined: readonly { event: NormalizedEvent; reason: string }[];
  checkpoint: Pick<Checkpoint, 'cursor' | 'watermark'>;
  /** Service records written in the same write (learning progress, see pipeline/learn.ts). */
  meta?: ReadonlyArray<{ name: string; value: unknown }>;
}

/** Read a value and parse it; a corrupt value is reported, never silently used. */
async function read<T>(kv: KV, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  return parse(key, await kv.get(key), schema);
}

function parse<T>(key: string, raw: unknown, schema: z.ZodType<T>): T | undefined {
  if (raw === undefined || raw === null) return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(`store value at ${key} is not valid: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  return parsed.data;
}

/**
 * The typed store. Every read goes through zod; list-shaped values are updated under one in-process
 * mutex (multi-replica deployments additionally take the store lock around sweeps and drains).
 */
export function createStore(kv: KV, opts: { lockLeaseMs?: number; now?: () => number } = {}) {
  const clock = opts.now ?? Date.now;
  const locks = createLocks(kv.locks ?? createLocalLockBackend());
  // Shared lists (outbox, alert index, audit trails) are read-modify-written: one writer at a time across replicas.
  const exclusive = locks.mutex('store', { ttlMs: opts.lockLeaseMs ?? 30_000, waitMs: 30_000 });

  /**
   * The writes that store alerts (merged into what is stored) and queue the changed ones for delivery, with the
   * alert index. Run under `exclusive` (the outbox and the index are shared lists). Alerts a replayed batch
   * produces again merge to what is stored: no write, no second delivery.
   */
  async function alertWrites(alerts: readonly Alert[]): Promise<WriteOp[]> {
    if (alerts.length === 0) return [];
    const stored = await kv.getMany(alerts.map((a) => keys.alert(a.id)));
    const changed: Alert[] = [];
    alerts.forEach((a, i) => {
      const existing = parse(keys.alert(a.id), stored[i], Alert);
      const merged = mergeAlert(existing, a);
      // When it was raised (the report's start for time to acknowledge): stamped once, on the first write.
      if (merged !== existing) changed.push(existing !== undefined || merged.createdAt !== undefined ? merged : { ...merged, createdAt: clock() });
    });
    if (changed.length === 0) return [];
    const pending = new Set((await read(kv, keys.outbox(), z.array(z.string()))) ?? []);
    const index = (await read(kv, keys.alertIndex(), z.array(AlertIndexEntry))) ?? [];
    const at = new Map(index.map((e, i) => [e.id, i]));
    for (const a of changed) {
      pending.add(a.id);
      const entry = { id: a.id, lastSeen: a.lastSeen, detection: a.detection, status: a.status };
      const i = at.get(a.id);
      if (i === undefined) at.set(a.id, index.push(entry) - 1);
      else index[i] = entry;
    }
    return [{ key: keys.outbox(), value: [...pending] }, { key: keys.alertIndex(), value: index }, ...changed.map((a) => ({ key: keys.alert(a.id), value: a }))];
  }

  async function indexWrite(alert: Alert): Promise<WriteOp> {
    const index = (await read(kv, keys.alertIndex(), z.array(AlertIndexEntry))) ?? [];
    const entry = { id: alert.id, lastSeen: alert.lastSeen, detection: alert.detection, status: alert.status };
    const at = index.findIndex((e) => e.id === alert.id);
    if (at >= 0) index[at] = entry;
    else index.push(entry);
    return { key: keys.alertIndex(), value: index };
  }

  const store = {
    kv,
    kind: kv.kind,
    exclusive,
    locks,

    getCheckpoint: (orgId: string) => read(kv, keys.checkpoint(orgId), Checkpoint),
    saveCheckpoint: (orgId: string, cp: Checkpoint) => kv.set(keys.checkpoint(orgId), cp),

    /**
     * The first read of a batch: the checkpoint and which of the batch's event ids were processed before, in
     * one round trip. A checkpoint written by Vigil 0.1 is converted first (see migrate.ts).
     */
    async beginBatch(orgId: string, eventIds: readonly string[], seenTtlMs: number): Promise<{ checkpoint: Checkpoint | undefined; seen: boolean[] }> {
      const values = await kv.getMany([keys.checkpoint(orgId), ...eventIds.map((id) => keys.seen(orgId, id))]);
      let checkpoint = parse(keys.checkpoint(orgId), values[0], Checkpoint);
      if (checkpoint && checkpoint.version === undefined) {
        checkpoint = Checkpoint.parse(await migrateLegacyCheckpoint(kv, orgId, checkpoint, seenTtlMs, clock()));
        return { checkpoint, seen: await store.seenEvents(orgId, eventIds) };
      }
      return { checkpoint, seen: values.slice(1).map((v) => v !== undefined) };
    },
    /** The ids among `eventIds` processed before (tests and tools). */
    seenAmong: async (orgId: string, eventIds: readonly string[]) => {
      const seen = await store.seenEvents(orgId, eventIds);
      return eventIds.filter((_, i) => seen[i]);
    },
    seenEvents: async (orgId: string, eventIds: readonly string[]) => (await kv.getMany(eventIds.map((id) => keys.seen(orgId, id)))).map((v) => v !== undefined),
    /** Detection state records (org, actors, keyed slots) for one batch. */
    loadStateRecords: (orgId: string, actorIds: readonly string[], slots: readonly string[]) => loadStateRecords(kv, orgId, actorIds, slots),
    /**
     * The one durable write of a batch: alerts (merged, queued for delivery), changed detection state, activity,
     * seen ids, quarantined events and the checkpoint, atomically (a SQLite transaction, one PostgreSQL
     * statement, one Redis MULTI).
     */
    async commitBatch(orgId: string, batch: BatchCommit): Promise<void> {
      const now = clock();
      const ops: WriteOp[] = [
        ...(batch.state ? stateRecordWrites(orgId, batch.state) : []),
        ...(await activityWrites(kv, batch.activity, now)),
        ...batch.seenIds.map((id) => ({ key: keys.seen(orgId, id), value: 1, ttlMs: batch.seenTtlMs })),
        ...batch.quarantined.map((q) => ({ key: keys.quarantine(orgId, q.event.id), value: { ...q, at: now }, ttlMs: QUARANTINE_TTL_MS })),
        { key: keys.checkpoint(orgId), value: { ...batch.checkpoint, version: 3, updatedAt: now } },
        ...(batch.meta ?? []).map((m) => ({ key: keys.meta(m.name), value: m.value })),
      ];
      // With alerts, the shared outbox and index are read and written under the store lock, in the same write.
      if (batch.alerts?.length) await exclusive(async () => kv.write([...(await alertWrites(batch.alerts!)), ...ops]));
      else await kv.write(ops);
    },
    getQuarantined: (orgId: string, eventId: string) => kv.get(keys.quarantine(orgId, eventId)),
    /** A user's last 30 days of activity, by email or account id. */
    readActivity: (who: string) => readActivity(kv, who, clock()),
    /** Record events into activity outside a batch (tests, tools). */
    recordActivity: async (events: readonly NormalizedEvent[]) => kv.write(await activityWrites(kv, events, clock())),
    /** Delete expired values (SQLite and PostgreSQL; Redis expires them itself). */
    purgeExpired: () => kv.purgeExpired(),

    getAlert: (id: string) => read(kv, keys.alert(id), Alert),

    /** Write alerts (new or grown) and queue them for delivery, in one atomic write. Idempotent: same alert, same result. */
    saveAlerts: (alerts: Alert[]) => exclusive(async () => kv.write(await alertWrites(alerts))),

    /**
     * Update one alert (status change after an action) and queue the card update. `change` sees the stored alert
     * under the store lock; returning `undefined` leaves it as it is (nothing written, nothing queued): the way to
     * make a change at most once across replicas (acknowledge, reminders).
     */
    updateAlert: (id: string, change: (a: Alert) => Alert | undefined) =>
      exclusive(async () => {
        const current = await read(kv, keys.alert(id), Alert);
        if (!current) return undefined;
        const changed = change(current);
        if (!changed) return undefined;
        const next = { ...changed, revision: current.revision + 1, updatedAt: Date.now() };
        const pending = new Set((await read(kv, keys.outbox(), z.array(z.string()))) ?? []);
        pending.add(id);
        // The change, its place in the outbox and the index in one atomic write: never a change left unsent.
        await kv.write([{ key: keys.outbox(), value: [...pending] }, { key: keys.alert(id), value: next }, await indexWrite(next)]);
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
