import { createHash, timingSafeEqual } from 'node:crypto';
import type { Express, Request, Response } from 'express';
import { scrubSecrets } from '../log.js';
import type { Store } from '../store/store.js';
import { readCredentials } from '../doctor/credentials.js';
import type { Metrics } from './metrics.js';

export interface OpsRoutesDeps {
  store: Store;
  metrics: Metrics;
  /** The sweep schedule's interval; /readyz wants a sweep within 3× this. Leave out when nothing sweeps (webhook-only, demo). */
  sweepIntervalMs?: number;
  /** Process start, so a fresh process is ready while its first sweep is still due. */
  startedAt?: number;
  /** When set, /metrics requires `Authorization: Bearer <token>`, and /readyz shows its checks to that token only. */
  metricsToken?: string;
  now?: () => number;
  storeTimeoutMs?: number;
}

export interface ReadyCheck {
  ok: boolean;
  detail: string;
}

const noCredentialsInUrls = (s: string) => scrubSecrets(s).replace(/\/\/[^/\s@]+@/g, '//***@');

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

/** The readiness checks: store reachable, last sweep recent, credentials valid as last seen. */
export async function checkReadiness(deps: OpsRoutesDeps): Promise<{ ready: boolean; checks: Record<string, ReadyCheck> }> {
  const now = (deps.now ?? Date.now)();
  const checks: Record<string, ReadyCheck> = {};
  try {
    await withTimeout(deps.store.probe(), deps.storeTimeoutMs ?? 2_000, 'the store');
    checks.store = { ok: true, detail: `${deps.store.kind} store reachable` };
  } catch (err) {
    checks.store = { ok: false, detail: `store unreachable: ${noCredentialsInUrls((err as Error).message)}` };
  }

  if (deps.sweepIntervalMs !== undefined && checks.store.ok) {
    const limit = 3 * deps.sweepIntervalMs;
    const last = await deps.store.getLastSweep().catch(() => undefined);
    if (!last) {
      const up = now - (deps.startedAt ?? now);
      checks.sweep =
        up <= limit
          ? { ok: true, detail: 'waiting for the first sweep' }
          : { ok: false, detail: `no sweep recorded in ${Math.round(up / 1000)} s (expected every ${Math.round(deps.sweepIntervalMs / 1000)} s)` };
    } else {
      const age = now - last.finishedAt;
      const outcome = last.ok ? 'succeeded' : `failed: ${noCredentialsInUrls(last.error ?? 'unknown error')}`;
      checks.sweep = {
        ok: age <= limit,
        detail: `last sweep ${Math.round(age / 1000)} s ago (limit ${Math.round(limit / 1000)} s), ${outcome}`.slice(0, 400),
      };
    }
  }

  if (checks.store.ok) {
    const creds = await readCredentials(deps.store).catch(() => ({}));
    const bad = Object.entries(creds).filter(([, s]) => !s.ok);
    checks.credentials =
      bad.length === 0
        ? { ok: true, detail: Object.keys(creds).length > 0 ? `valid as last seen: ${Object.keys(creds).sort().join(', ')}` : 'none checked yet' }
        : { ok: false, detail: bad.map(([n, s]) => `${n}: ${noCredentialsInUrls(s.detail ?? 'rejected')}`).join('; ').slice(0, 500) };
  }
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!m) return false;
  const a = createHash('sha256').update(m[1]!.trim()).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}

/** GET /healthz (process up), GET /readyz (ready to serve), GET /metrics (Prometheus text format). */
export function registerOpsRoutes(app: Express, deps: OpsRoutesDeps): void {
  app.get('/healthz', (_req: Request, res: Response) => {
    res.set('cache-control', 'no-store').json({ status: 'ok' });
  });

  // Anyone may ask whether Vigil is ready; only the holder of the metrics token sees why (the details name
  // missing Graph permissions, channels and upstream errors). Without a token set, `vigil doctor` shows them.
  app.get('/readyz', async (req: Request, res: Response) => {
    const r = await checkReadiness(deps);
    const details = deps.metricsToken !== undefined && tokenMatches(req.headers.authorization, deps.metricsToken);
    res
      .status(r.ready ? 200 : 503)
      .set('cache-control', 'no-store')
      .json({ status: r.ready ? 'ready' : 'not ready', ...(details ? { checks: r.checks } : {}) });
  });

  app.get('/metrics', async (req: Request, res: Response) => {
    if (deps.metricsToken && !tokenMatches(req.headers.authorization, deps.metricsToken)) {
      res.status(401).set('www-authenticate', 'Bearer').json({ error: 'a valid bearer token (VIGIL_METRICS_TOKEN) is required' });
      return;
    }
    res.set('content-type', deps.metrics.registry.contentType).set('cache-control', 'no-store');
    res.send(await deps.metrics.registry.metrics());
  });
}
