import type { Logger } from '../log.js';
import type { ReplicaGuards } from '../pipeline/lock.js';
import type { Outbox } from '../pipeline/outbox.js';

/** How often every channel drains anyway: retries of failed deliveries come due without a new alert. */
const RETRY_EVERY_MS = 30_000;
/** Another replica holds a channel's drain lock: look again this soon for what it started without. */
const RECHECK_MS = 2_000;

/**
 * The delivery scheduler: each channel drains the outbox on its own (a channel that is down or slow never holds
 * up another), at most once at a time in this process and, with several replicas, once at a time across them.
 */
export function createDeliveryScheduler(deps: { outbox: Outbox; channelNames: string[]; guards: Pick<ReplicaGuards, 'drain'>; log: Logger }) {
  const running = new Map<string, Promise<void>>();
  /** A drain asked for while one runs: it runs once more after (the running one may have read the outbox before
   * the alerts that asked for this one were committed). Every caller in between shares that one follow-up. */
  const again = new Map<string, Promise<void>>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const drainChannel = (name: string): Promise<void> => {
    if (stopped) return Promise.resolve();
    const inFlight = running.get(name);
    if (inFlight) {
      let next = again.get(name);
      if (!next) {
        next = inFlight.then(() => {
          again.delete(name);
          return drainChannel(name);
        });
        again.set(name, next);
      }
      return next;
    }
    const run = deps.guards
      .drain(name, async () => {
        const r = await deps.outbox.drain([name]);
        if (r.delivered || r.failed) deps.log.debug({ channel: name, ...r }, 'outbox drained');
      })
      .then((ran) => {
        if (!ran) setTimeout(() => void drainChannel(name), RECHECK_MS).unref();
      })
      .catch((err: Error) => deps.log.error({ channel: name, err: err.message }, 'outbox drain failed'))
      .finally(() => running.delete(name));
    running.set(name, run);
    return run;
  };

  const drain = async () => {
    await Promise.all(deps.channelNames.map(drainChannel));
  };

  return {
    /** Drain every channel now; resolves when each has drained everything committed before this call. */
    drain,
    start() {
      timer = setInterval(() => void drain(), RETRY_EVERY_MS);
      timer.unref();
    },
    /** No new drains from now on. */
    stop() {
      if (timer) clearInterval(timer);
      stopped = true;
    },
    /** Resolves when the running drains have finished. */
    idle: () => Promise.all(running.values()).then(() => undefined),
  };
}
export type DeliveryScheduler = ReturnType<typeof createDeliveryScheduler>;
