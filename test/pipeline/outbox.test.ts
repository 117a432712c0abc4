// The durable outbox in isolation: channels drain independently (a hung channel holds up nobody), failures back
// off and are retried, an interrupted first post is recovered instead of repeated, and an alert that changed
// during a drain stays queued.
import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import type { AlertChannel, AlertView } from '../../src/domain/index.js';
import { createOutbox } from '../../src/pipeline/outbox.js';
import { withSlackRecovery } from '../../src/channels/slack/recover.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { startFakeSlack } from '../fakes/slack.js';
import { captureLogger } from '../helpers/pipeline.js';
import { torAlert } from '../fixtures/alert.js';

function recording(name: string, behave: (view: AlertView) => Promise<Record<string, string>> = async (v) => ({ id: `${name}-${v.alert.id}` })) {
  const calls: Array<{ id: string; revision: number; update: boolean }> = [];
  const channel: AlertChannel = {
    name,
    async deliver(view, previous) {
      calls.push({ id: view.alert.id, revision: view.alert.revision, update: Boolean(previous?.deliveredAt) });
      return behave(view);
    },
  };
  return { channel, calls };
}

describe('the outbox', () => {
  it('a channel that hangs holds up neither the other channels nor the next drain of them', async () => {
    const store = createStore(createMemoryKV());
    const { log } = captureLogger('warn');
    const good = recording('good');
    const hung = recording('hung', () => new Promise(() => undefined));
    const outbox = createOutbox({ store, channels: [good.channel, hung.channel], log, dryRun: false });
    await store.saveAlerts([torAlert(1, 'a@example.com')]);
    void outbox.drain(['hung']); // never finishes
    expect(await outbox.drain(['good'])).toMatchObject({ delivered: 1, pending: 1 }); // still owed to "hung"
    await store.saveAlerts([torAlert(2, 'b@example.com')]);
    expect(await outbox.drain(['good'])).toMatchObject({ delivered: 1 });
    expect(good.calls.map((c) => c.id)).toEqual(['rl-1', 'rl-2']);
    expect((await store.pendingOutbox()).sort()).toEqual(['rl-1', 'rl-2']);
  });

  it('a failing channel backs off and is retried; the alert leaves the outbox once every channel has it', async () => {
    const store = createStore(createMemoryKV());
    const { log } = captureLogger('warn');
    let failures = 2;
    const flaky = recording('flaky', async (v) => {
      if (failures-- > 0) throw new Error('503 from the receiver');
      return { id: v.alert.id };
    });
    const good = recording('good');
    let clock = 1_000_000;
    const outbox = createOutbox({ store, channels: [good.channel, flaky.channel], log, dryRun: false, now: () => clock });
    await store.saveAlerts([torAlert(1, 'a@example.com')]);
    expect(await outbox.drain()).toMatchObject({ delivered: 1, failed: 1, pending: 1 });
    expect(await store.getDelivery('flaky', 'rl-1')).toMatchObject({ attempts: 1, nextAttemptAt: clock + 5_000, lastError: '503 from the receiver' });
    expect(await outbox.drain()).toMatchObject({ delivered: 0, failed: 0, pending: 1 }); // not due yet
    clock += 5_000;
    expect(await outbox.drain()).toMatchObject({ failed: 1 });
    expect(await store.getDelivery('flaky', 'rl-1')).toMatchObject({ attempts: 2, nextAttemptAt: clock + 10_000 });
    clock += 10_000;
    expect(await outbox.drain()).toMatchObject({ delivered: 1, pending: 0 });
    expect(good.calls).toHaveLength(1); // the good channel was never asked twice
    expect(await store.pendingOutbox()).toEqual([]);
  });

  it('after a crash between a post and its saved reference, recover adopts the post instead of posting again', async () => {
    const store = createStore(createMemoryKV());
    const { log, lines } = captureLogger('info');
    const alert = torAlert(1, 'a@example.com');
    await store.saveAlerts([alert]);
    // What a crashed drain leaves: the intent, no reference.
    await store.saveDelivery({ channel: 'chat', alertId: alert.id, revision: 0, ref: {}, attempts: 0, intentAt: 5 });
    const calls = recording('chat');
    const recovered: string[] = [];
    const channel: AlertChannel = { ...calls.channel, recover: async (view) => (recovered.push(view.alert.id), { ts: '1.000100' }) };
    const outbox = createOutbox({ store, channels: [channel], log, dryRun: false });
    expect(await outbox.drain()).toMatchObject({ delivered: 1, pending: 0 });
    expect(recovered).toEqual([alert.id]);
    expect(calls.calls).toEqual([]);
    expect(await store.getDelivery('chat', alert.id)).toMatchObject({ revision: 1, ref: { ts: '1.000100' } });
    expect(lines.some((l) => l.msg === 'found the post an interrupted delivery made; not posting again')).toBe(true);

    // Without recover (or when it finds nothing) the channel posts again and the possible duplicate is logged.
    await store.saveAlerts([torAlert(2, 'b@example.com')]);
    await store.saveDelivery({ channel: 'chat', alertId: 'rl-2', revision: 0, ref: {}, attempts: 0, intentAt: 5 });
    const plain = recording('chat');
    expect(await createOutbox({ store, channels: [plain.channel], log, dryRun: false }).drain()).toMatchObject({ delivered: 1 });
    expect(plain.calls.map((c) => c.id)).toEqual(['rl-2']);
    expect(lines.some((l) => String(l.msg).includes('may have posted this alert before a crash'))).toBe(true);
  });

  it('writes the intent before the first post, and a revision added during the drain stays queued', async () => {
    const store = createStore(createMemoryKV());
    const { log } = captureLogger('warn');
    const seenIntent: Array<number | undefined> = [];
    const channel: AlertChannel = {
      name: 'chat',
      async deliver(view, previous) {
        seenIntent.push(previous?.intentAt);
        // A first post has its intent stored before it; an update (card exists) needs none.
        if (!previous?.deliveredAt) expect((await store.getDelivery('chat', view.alert.id))?.intentAt).toBeTypeOf('number');
        // A responder acts on another replica while this card is being posted.
        if (view.alert.revision === 1) await store.updateAlert(view.alert.id, (a) => ({ ...a, status: 'dismissed' }));
        return { ts: '1.2' };
      },
    };
    const outbox = createOutbox({ store, channels: [channel], log, dryRun: false });
    await store.saveAlerts([torAlert(1, 'a@example.com')]);
    expect(await outbox.drain()).toMatchObject({ delivered: 1, pending: 1 });
    expect(await store.pendingOutbox()).toEqual(['rl-1']); // revision 2 is still owed
    expect(await outbox.drain()).toMatchObject({ delivered: 1, pending: 0 });
    expect(seenIntent[0]).toBeTypeOf('number');
    expect(seenIntent[1]).toBeUndefined(); // the update went to the saved card
    expect(await store.getDelivery('chat', 'rl-1')).toMatchObject({ revision: 2, ref: { ts: '1.2' } });
  });
});

describe('Slack recovery by channel history', () => {
  it('finds the card by its header block id; a missing history scope makes it throw (the outbox then posts again)', async () => {
    const slack = await startFakeSlack();
    const client = new WebClient(slack.token, { slackApiUrl: `${slack.url}/`, retryConfig: { retries: 0 } });
    const { log } = captureLogger('warn');
    const inner: AlertChannel = { name: 'slack', deliver: async () => ({}) };
    const channel = withSlackRecovery(inner, { client, route: () => 'C0ALERTS', log });
    const alert = torAlert(7, 'a@example.com');
    const intentAt = Date.now();
    await client.chat.postMessage({ channel: 'C0ALERTS', text: 'other', blocks: [{ type: 'section', block_id: 'h:rl-6:1.', text: { type: 'mrkdwn', text: 'x' } }] });
    const posted = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'card', blocks: [{ type: 'header', block_id: 'h:rl-7:1.', text: { type: 'plain_text', text: 'x' } }] });
    for (let i = 0; i < 250; i++) await client.chat.postMessage({ channel: 'C0ALERTS', text: `later ${i}` }); // the card is on page 2
    const ref = await channel.recover!({ alert, outcomes: [], audit: [], dryRun: false }, { ref: {}, intentAt });
    expect(ref).toEqual({ channel: 'C0ALERTS', ts: posted.ts, count: '1' });
    expect(await channel.recover!({ alert: torAlert(8, 'b@example.com'), outcomes: [], audit: [], dryRun: false }, { ref: {}, intentAt })).toBeUndefined();
    const broken = withSlackRecovery(inner, { client: { conversations: { history: async () => ({ ok: false, error: 'missing_scope' }) } }, route: () => 'C0ALERTS', log });
    await expect(broken.recover!({ alert, outcomes: [], audit: [], dryRun: false }, { ref: {}, intentAt })).rejects.toThrow();
    await slack.close();
  });

  it('a found card that shows an older revision is updated to the current one before it is adopted', async () => {
    const slack = await startFakeSlack();
    const client = new WebClient(slack.token, { slackApiUrl: `${slack.url}/`, retryConfig: { retries: 0 } });
    const { log } = captureLogger('warn');
    const updates: Array<{ ts?: string; revision: number }> = [];
    const inner: AlertChannel = { name: 'slack', deliver: async (view, prev) => (updates.push({ ts: prev?.ref.ts, revision: view.alert.revision }), { ...prev?.ref, updated: 'yes' }) };
    const channel = withSlackRecovery(inner, { client, route: () => 'C0ALERTS', log });
    const intentAt = Date.now();
    const alert = { ...torAlert(9, 'c@example.com'), revision: 2 };
    // The interrupted process posted revision 1; the alert grew to revision 2 before this drain.
    const posted = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'card', blocks: [{ type: 'header', block_id: `h:${alert.id}:1.`, text: { type: 'plain_text', text: 'x' } }] });
    const ref = await channel.recover!({ alert, outcomes: [], audit: [], dryRun: false }, { ref: {}, intentAt });
    expect(updates).toEqual([{ ts: posted.ts, revision: 2 }]);
    expect(ref).toMatchObject({ channel: 'C0ALERTS', ts: posted.ts, updated: 'yes' });
    // A card already showing the current revision is adopted as it is.
    const current = await client.chat.postMessage({ channel: 'C0ALERTS', text: 'card', blocks: [{ type: 'header', block_id: `h:${torAlert(10, 'd@example.com').id}:1.`, text: { type: 'plain_text', text: 'x' } }] });
    expect(await channel.recover!({ alert: torAlert(10, 'd@example.com'), outcomes: [], audit: [], dryRun: false }, { ref: {}, intentAt })).toEqual({ channel: 'C0ALERTS', ts: current.ts, count: '1' });
    expect(updates).toHaveLength(1);
    await slack.close();
  });
});
