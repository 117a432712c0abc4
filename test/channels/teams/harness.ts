import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { APP_ID, RESPONDER, TENANT_ID, startOpenIdServer } from '../../fakes/bot-framework.js';
import type { ActionsService } from '../../../src/actions/types.js';
import { createOwnership } from '../../../src/actions/ownership.js';
import { createTeamsIntegration } from '../../../src/channels/teams/index.js';
import type { AlertChannel } from '../../../src/domain/index.js';
import type { ActionOutcome, ActionRequest } from '../../../src/domain/index.js';
import type { InboundLimits } from '../../../src/http/body-gate.js';
import { createLogger } from '../../../src/log.js';
import { closeServer, createHttpApp, listen } from '../../../src/runtime/server.js';
import { createMemoryKV } from '../../../src/store/kv.js';
import { createStore, type Store } from '../../../src/store/store.js';

/** A fake of the shared actions layer that behaves like the real one: saves the outcome, updates the alert. */
export function createFakeActions(store: Store, opts: { delayMs?: number } = {}) {
  const calls: ActionRequest[] = [];
  const ownership = createOwnership({ store, log: createLogger('silent') });
  let release: (() => void) | undefined;
  const service: ActionsService & { calls: ActionRequest[]; gate(): void; open(): void } = {
    calls,
    gate() {
      opts.delayMs = Number.POSITIVE_INFINITY;
    },
    open() {
      opts.delayMs = 0;
      release?.();
    },
    async execute(req) {
      calls.push(req);
      if (opts.delayMs === Number.POSITIVE_INFINITY) await new Promise<void>((r) => (release = r));
      const outcome: ActionOutcome = {
        alertId: req.alertId,
        kind: req.kind,
        status: 'done',
        message: req.kind === 'suspend' ? 'accountEnabled set to false; sessions revoked' : 'ok',
        by: req.by,
        at: req.requestedAt,
        requestIds: ['graph-req-1'],
        warnings: [],
      };
      await store.saveActionOutcome(outcome);
      await store.updateAlert(req.alertId, (a) => ({ ...a, status: req.kind === 'dismiss' ? 'dismissed' : 'actioned' }));
      return outcome;
    },
    async recordUserAnswer() {},
    own: (req) => ownership.take(req),
  };
  return service;
}

export async function startBot(
  opts: { actions?: (store: Store) => ActionsService & { calls: ActionRequest[] }; env?: Record<string, unknown>; invokeBudgetMs?: number; inbound?: InboundLimits; store?: Store } = {},
) {
  const openid = await startOpenIdServer();
  const store = opts.store ?? createStore(createMemoryKV());
  const actions = (opts.actions ?? ((s) => createFakeActions(s)))(store);
  const app = createHttpApp();
  const log = createLogger('silent');
  const sleeps: number[] = [];
  const actionsDone: string[] = [];
  const { channel } = await createTeamsIntegration({
    env: {
      MICROSOFT_APP_ID: APP_ID,
      MICROSOFT_APP_PASSWORD: 'bot-secret-value-123',
      MICROSOFT_APP_TENANT_ID: TENANT_ID,
      TEAMS_ALERT_CHANNEL: undefined,
      TEAMS_RESPONDERS: [RESPONDER],
      ...opts.env,
    } as never,
    app,
    store,
    actions,
    log,
    dryRun: false,
    status: async () => ({ store: 'memory', integrations: [{ name: 'Teams', ok: true }] }),
    endpoints: { openIdMetadataUrl: openid.metadataUrl },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    invokeBudgetMs: opts.invokeBudgetMs,
    inbound: opts.inbound,
    onActionDone: (id) => actionsDone.push(id),
  });
  const server = await listen(app, '127.0.0.1', 0, log);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  return {
    store,
    actions,
    channel: channel as AlertChannel,
    openid,
    sleeps,
    actionsDone,
    url,
    async send(activity: Record<string, unknown>, token: string | null = openid.token()) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      let body: Record<string, any> | undefined;
      try {
        body = text ? (JSON.parse(text) as Record<string, any>) : undefined;
      } catch {
        body = { text };
      }
      return { status: res.status, body };
    },
    async close() {
      await closeServer(server);
      await openid.close();
    },
  };
}

export type Bot = Awaited<ReturnType<typeof startBot>>;

/** A bot for the enclosing describe block: started before its tests, closed after; `use` receives it. */
export function withBot(use: (bot: Bot) => void, opts: Parameters<typeof startBot>[0] = {}): void {
  let bot: Bot | undefined;
  beforeAll(async () => {
    bot = await startBot(opts);
    use(bot);
  });
  afterAll(async () => bot?.close());
}
