import type { Server } from 'node:http';
import type { Logger } from '../../../src/log.js';
import type { MapRenderer } from '../../../src/render/safe.js';
import { createSlackIntegration, type SlackIntegration } from '../../../src/channels/slack/index.js';
import type { ActionsService } from '../../../src/actions/types.js';
import { createOwnership } from '../../../src/actions/ownership.js';
import type { StatusInfo } from '../../../src/chat-commands/index.js';
import { slackSchema } from '../../../src/channels/slack/settings.js';
import type { ActionOutcome, ActionRequest, Alert } from '../../../src/domain/index.js';
import { closeServer, createHttpApp, listen } from '../../../src/runtime/server.js';
import { createMemoryKV } from '../../../src/store/kv.js';
import { createStore, type Store } from '../../../src/store/store.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { BOT_TOKEN, SIGNING_SECRET, baseUrl, fakeActions, outcome, sampleAlert, silentLog } from './fixtures.js';

export interface Harness {
  url: string;
  store: Store;
  slack: FakeSlack;
  actions: ReturnType<typeof fakeActions>;
  integration: SlackIntegration;
  sleeps: number[];
  /** How often the integration reported a finished action (the app drains the outbox then). */
  done: { count: number };
  close(): Promise<void>;
}

/**
 * The real thing on loopback: Vigil's express app with Bolt's ExpressReceiver on /slack/events, a memory store,
 * the loopback fake Slack Web API (test/fakes/slack.ts) and a recording ActionsService that stores its outcomes like the real one.
 */
export async function startHarness(opts: {
  env?: Record<string, string>;
  dryRun?: boolean;
  groupMembers?: string[];
  emails?: Record<string, string>;
  answer?: (req: ActionRequest, store: Store) => Promise<ActionOutcome> | ActionOutcome;
  status?: () => Promise<StatusInfo>;
  /** Use this ActionsService (e.g. the real one) instead of the recording fake. */
  service?: (store: Store) => ActionsService;
  /** What the fake answers to the integration's auth.test at start-up (default: workspace T0TEAM). */
  authTest?: Record<string, unknown>;
  /** Share a store (e.g. with a Teams bot in the same test). */
  store?: Store;
  /** A test clock for the integration and the fake (default: wall clock, and sleeps return at once). */
  clock?: { now: () => number; sleep: (ms: number) => Promise<void> };
  /** The integration's logger (default: silent) and its travel map renderer (default: the real one). */
  log?: Logger;
  mapRenderer?: MapRenderer;
} = {}): Promise<Harness> {
  const slack = await startFakeSlack({ token: BOT_TOKEN, groupMembers: opts.groupMembers, emails: opts.emails, now: opts.clock?.now });
  if (opts.authTest) slack.once('auth.test', opts.authTest);
  const store = opts.store ?? createStore(createMemoryKV());
  const answer = opts.answer ?? ((req) => outcome(req.kind, 'done', { by: req.by, at: req.requestedAt, alertId: req.alertId, message: `${req.kind} done` }));
  const actions = fakeActions(async (req) => {
    const o = await answer(req, store);
    await store.saveActionOutcome(o);
    return o;
  });
  // Acknowledge / assign: the real ownership rules on the test's store (calls recorded in actions.owns).
  const ownership = createOwnership({ store, log: silentLog });
  actions.service.own = (req) => (actions.owns.push(req), ownership.take(req));
  const env = slackSchema.parse({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_ALERT_CHANNEL: 'C0ALERTS',
    SLACK_RESPONDERS: 'U0ALICE,U0BOB,S0SECTEAM',
    SLACK_API_URL: slack.url,
    ...opts.env,
  });
  const app = createHttpApp();
  const sleeps: number[] = [];
  const done = { count: 0 };
  const integration = await createSlackIntegration({
    env,
    app,
    store,
    actions: opts.service ? opts.service(store) : actions.service,
    log: opts.log ?? silentLog,
    mapRenderer: opts.mapRenderer,
    dryRun: opts.dryRun ?? false,
    status: opts.status ?? (async () => ({ store: 'memory', integrations: [{ name: 'Slack', ok: true }] })),
    processBeforeResponse: true,
    onActionDone: () => {
      done.count++;
    },
    retryConfig: { retries: 0 },
    minIntervalMs: 0,
    now: opts.clock?.now,
    sleep:
      opts.clock?.sleep ??
      (async (ms) => {
        sleeps.push(ms);
      }),
  });
  const server: Server = await listen(app, '127.0.0.1', 0, silentLog);
  return {
    url: `${baseUrl(server)}/slack/events`,
    store,
    slack,
    actions,
    integration,
    sleeps,
    done,
    close: async () => {
      await closeServer(server);
      await slack.close();
    },
  };
}

/** Where seedCard puts the card of al_travel_1. */
export const SEEDED_CARD = { channel: 'C0ALERTS', ts: '1700000000.000001' };

/** Seed a delivered alert: stored, and its card posted at C0ALERTS/1700000000.000001. */
export async function seedCard(harness: Harness, over: Partial<Alert> = {}): Promise<Alert> {
  const alert = sampleAlert(over);
  await harness.store.saveAlerts([alert]);
  await harness.store.saveDelivery({ channel: 'slack', alertId: alert.id, revision: 1, ref: SEEDED_CARD, attempts: 0, deliveredAt: 1 });
  harness.slack.seed({ ...SEEDED_CARD, text: alert.title });
  return alert;
}
