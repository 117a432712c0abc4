import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActionsService } from '../actions/types.js';
import type { AlertChannel } from '../domain/index.js';
import type { Alert } from '../domain/index.js';
import { buildInfo } from './build-info.js';

/**
 * Vigil's Prometheus metrics on a registry of their own (no global singleton: every test and every app
 * instance gets a fresh one). The pipeline, outbox and actions call the increment functions.
 * `defaultMetrics` adds prom-client's standard process_* and nodejs_* metrics (CPU, memory, file
 * descriptors, event-loop lag, GC, heap), unprefixed so the usual Node.js dashboards work; the service turns
 * them on, tests that only count leave them off.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const build = buildInfo();
  const metrics = {
    registry,
    buildInfo: new Gauge({
      name: 'vigil_build_info',
      help: 'Always 1; the labels say which Vigil version runs on which Node.js.',
      labelNames: ['version', 'nodejs_version'] as const,
      registers,
    }),
    eventsRead: new Counter({ name: 'vigil_events_read_total', help: 'Audit events read from all sources.', registers }),
    eventsQuarantined: new Counter({
      name: 'vigil_events_quarantined_total',
      help: 'Events held back because their time cannot be trusted (far in the future, before 2015); kept a week for inspection.',
      registers,
    }),
    alerts: new Counter({
      name: 'vigil_alerts_total',
      help: 'Alerts raised or grown, by detection and severity.',
      labelNames: ['detection', 'severity'] as const,
      registers,
    }),
    deliveries: new Counter({ name: 'vigil_deliveries_total', help: 'Alert deliveries that succeeded, by channel.', labelNames: ['channel'] as const, registers }),
    deliveryFailures: new Counter({
      name: 'vigil_delivery_failures_total',
      help: 'Alert deliveries that failed (and will be retried), by channel.',
      labelNames: ['channel'] as const,
      registers,
    }),
    actions: new Counter({
      name: 'vigil_actions_total',
      help: 'Response actions by kind and outcome (done, failed, refused, dry-run, pending-approval).',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    sweepDuration: new Histogram({
      name: 'vigil_sweep_duration_seconds',
      help: 'Duration of one audit-log sweep.',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
      registers,
    }),
    sweepsFailed: new Counter({ name: 'vigil_sweep_failures_total', help: 'Sweeps that ended with an error.', registers }),
    cursorLag: new Gauge({
      name: 'vigil_cursor_lag_seconds',
      help: 'How far the sweep checkpoint (newest processed event) is behind now.',
      registers,
    }),
    lastSweep: new Gauge({ name: 'vigil_last_sweep_timestamp_seconds', help: 'When the last sweep finished (Unix time).', registers }),
  };
  metrics.buildInfo.set({ version: build.version, nodejs_version: build.node }, 1);
  return metrics;
}
export type Metrics = ReturnType<typeof createMetrics>;

/** Count alerts from one sweep (new or grown ones: what `saveAlerts` wrote). */
export function countAlerts(metrics: Metrics, alerts: Array<Pick<Alert, 'detection' | 'severity'>>): void {
  for (const a of alerts) metrics.alerts.inc({ detection: a.detection, severity: a.severity });
}

/** Record a finished sweep: duration, outcome, and the lag of the newest processed event (epoch ms). */
export function observeSweep(metrics: Metrics, s: { startedAt: number; finishedAt: number; ok: boolean; watermark?: number }): void {
  metrics.sweepDuration.observe(Math.max(0, s.finishedAt - s.startedAt) / 1000);
  metrics.lastSweep.set(Math.floor(s.finishedAt / 1000));
  if (!s.ok) metrics.sweepsFailed.inc();
  if (s.watermark !== undefined) metrics.cursorLag.set(Math.max(0, (s.finishedAt - s.watermark) / 1000));
}

/** Wrap a channel so every delivery (single or batch) is counted per channel, without touching the outbox. */
export function instrumentChannel(channel: AlertChannel, metrics: Metrics): AlertChannel {
  const labels = { channel: channel.name };
  const wrapped: AlertChannel = {
    name: channel.name,
    async deliver(view, previous) {
      try {
        const ref = await channel.deliver(view, previous);
        metrics.deliveries.inc(labels);
        return ref;
      } catch (err) {
        metrics.deliveryFailures.inc(labels);
        throw err;
      }
    },
  };
  if (channel.recover) wrapped.recover = channel.recover.bind(channel);
  if (channel.deliverBatch) {
    const batch = channel.deliverBatch.bind(channel);
    wrapped.deliverBatch = async (views) => {
      try {
        const refs = await batch(views);
        if (refs.size > 0) metrics.deliveries.inc(labels, refs.size);
        return refs;
      } catch (err) {
        metrics.deliveryFailures.inc(labels);
        throw err;
      }
    };
  }
  return wrapped;
}

/** Wrap the actions service so every outcome is counted by kind and status; a throw counts as `error`. */
export function instrumentActions(service: ActionsService, metrics: Metrics): ActionsService {
  return {
    async execute(req) {
      try {
        const outcome = await service.execute(req);
        metrics.actions.inc({ kind: outcome.kind, outcome: outcome.status });
        return outcome;
      } catch (err) {
        metrics.actions.inc({ kind: req.kind, outcome: 'error' });
        throw err;
      }
    },
    recordUserAnswer: (input) => service.recordUserAnswer(input),
    async own(req) {
      const result = await service.own(req);
      metrics.actions.inc({ kind: req.kind, outcome: result.status });
      return result;
    },
  };
}
