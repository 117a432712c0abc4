import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { VigilError } from '../domain/errors.js';
import type { Logger } from '../log.js';
import { openKV, type KV } from '../store/kv.js';

/** The store could not be reached within VIGIL_STORE_CONNECT_TIMEOUT at start-up. */
export class StoreUnreachableError extends VigilError {
  constructor(message: string) {
    super('store_unreachable', message);
  }
}

/** A store URL fit to print: the password (and any query string, which may carry one) replaced. */
export function redactStoreUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    const query = u.search;
    u.search = '';
    return query ? `${u.toString()}?…` : u.toString();
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

export interface OpenStoreOptions {
  timeoutMs: number;
  log?: Logger;
  /** Between failed attempts (PostgreSQL refuses at once; Redis keeps its own connection attempt going). */
  retryEveryMs?: number;
  open?: (url: string) => Promise<KV>;
}

const TIMED_OUT = Symbol('timed out');
const DEFAULT_PORTS: Record<string, number> = { 'redis:': 6379, 'rediss:': 6379 };

/**
 * The TCP address to probe before opening a Redis store (its client retries a closed port silently for ever),
 * or undefined: PostgreSQL's driver reports a refused connection itself; SQLite and memory need no network.
 */
export function storeAddress(url: string): { host: string; port: number } | undefined {
  try {
    const u = new URL(url);
    const port = DEFAULT_PORTS[u.protocol];
    if (port === undefined || !u.hostname) return undefined;
    return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : port };
  } catch {
    return undefined;
  }
}

/** One TCP connection attempt: resolves when the port answers, rejects with the socket's error (or a timeout). */
function probe(addr: { host: string; port: number }, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: addr.host, port: addr.port });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer from ${addr.host}:${addr.port}`)));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/**
 * Open the store, waiting at most `timeoutMs` for its server: a Redis or PostgreSQL that is still starting
 * (compose, Kubernetes) is waited for, one that stays unreachable stops start-up with a clear message naming
 * the URL without its password, instead of hanging (Redis reconnects for ever) or failing on the first refusal.
 */
export async function openStoreWithin(url: string, opts: OpenStoreOptions): Promise<KV> {
  const open = opts.open ?? openKV;
  const deadline = Date.now() + opts.timeoutMs;
  const shown = redactStoreUrl(url);
  const addr = storeAddress(url);
  let lastError = 'no answer';
  for (let attempt = 1; Date.now() < deadline; attempt++) {
    const remaining = deadline - Date.now();
    // A closed port is found with a plain TCP connection (the Redis client would retry it silently for ever).
    const failure = addr ? await probe(addr, Math.min(remaining, 5_000)).then(() => undefined, (err: Error) => err) : undefined;
    const outcome = failure ? { err: failure } : await openBefore(open(url), deadline);
    if (outcome === TIMED_OUT) break;
    if ('kv' in outcome) return outcome.kv;
    lastError = (outcome.err as Error)?.message ?? String(outcome.err);
    opts.log?.warn({ store: shown, attempt, err: lastError }, 'store not reachable yet; retrying');
    const wait = Math.min(opts.retryEveryMs ?? 1_000, deadline - Date.now());
    if (wait > 0) await delay(wait);
  }
  throw new StoreUnreachableError(
    `the store at ${shown} could not be reached within ${formatMs(opts.timeoutMs)} (last error: ${lastError}). ` +
      'Check VIGIL_STORE_URL and that the server is running and reachable; VIGIL_STORE_CONNECT_TIMEOUT sets how long Vigil waits.',
  );
}

/** The opened store, its error, or TIMED_OUT at the deadline (a store opened after that is closed again). */
async function openBefore(pending: Promise<KV>, deadline: number): Promise<{ kv: KV } | { err: unknown } | typeof TIMED_OUT> {
  const timer = new AbortController();
  const outcome = await Promise.race([
    pending.then(
      (kv) => ({ kv }),
      (err: unknown) => ({ err }),
    ),
    delay<typeof TIMED_OUT>(Math.max(0, deadline - Date.now()), TIMED_OUT, { signal: timer.signal }).catch((): typeof TIMED_OUT => TIMED_OUT),
  ]);
  timer.abort();
  if (outcome === TIMED_OUT) void pending.then((kv) => kv.close()).catch(() => undefined);
  return outcome;
}

const formatMs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
