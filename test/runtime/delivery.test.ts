import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Outbox } from '../../src/pipeline/outbox.js';
import { createDeliveryScheduler } from '../../src/runtime/delivery.js';

/** An outbox whose drains are held open until released, recording what each drain saw as pending. */
function heldOutbox() {
  const pending: string[] = [];
  const delivered: string[] = [];
  const drains: Array<() => void> = [];
  let running = 0;
  let maxRunning = 0;
  const outbox = {
    drain: async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      const seen = pending.splice(0); // what this drain read from the store
      await new Promise<void>((r) => drains.push(r));
      delivered.push(...seen);
      running--;
      return { delivered: seen.length, failed: 0, pending: pending.length };
    },
  } as unknown as Outbox;
  return { outbox, pending, delivered, drains, maxRunning: () => maxRunning };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
const guards = { drain: async (_name: string, fn: () => Promise<void>) => (await fn(), true) };

describe('delivery scheduler', () => {
  it('a drain asked for while one runs is followed by one more: alerts committed meanwhile are delivered before it resolves', async () => {
    const o = heldOutbox();
    const d = createDeliveryScheduler({ outbox: o.outbox, channelNames: ['slack'], guards, log: pino({ level: 'silent' }) });
    o.pending.push('a1');
    const first = d.drain(); // e.g. started by the first batch with an alert
    await tick();
    o.pending.push('a2', 'a3'); // later batches commit more alerts while it runs
    const second = d.drain();
    const third = d.drain(); // callers in between share one follow-up
    let done = false;
    void second.then(() => (done = true));
    o.drains.shift()!(); // the first drain finishes having delivered only what it read
    await first;
    await tick();
    expect(o.delivered).toEqual(['a1']);
    expect(done).toBe(false);
    o.drains.shift()!(); // the follow-up drain
    await Promise.all([second, third]);
    expect(o.delivered).toEqual(['a1', 'a2', 'a3']);
    expect(o.drains).toHaveLength(0); // exactly two drains, never two at once
    expect(o.maxRunning()).toBe(1);
  });
});
