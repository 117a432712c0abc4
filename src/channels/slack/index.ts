import { App, ExpressReceiver, SocketModeReceiver } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import type { Express } from 'express';
import { DEFAULT_CHAT_LIMITS, type InboundLimits } from '../../http/body-gate.js';
import { slackInbound } from './payload-guard.js';
import { createReplayGuard } from '../../http/replay-guard.js';
import { proxiedTransport } from '../../http/transport.js';
import type { ActionsService, UserMessenger } from '../../actions/types.js';
import type { StatusInfo } from '../../chat-commands/index.js';
import type { SlackEnv } from './settings.js';
import { UpstreamError } from '../../domain/errors.js';
import { registerSecrets, type Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { AlertChannel } from '../../domain/index.js';
import { createActionRunner } from './action-runner.js';
import { boltLogger } from './bolt-logger.js';
import { createSlackChannel } from './channel.js';
import { registerSlashCommand } from './command.js';
import { createEmailLookup } from './emails.js';
import { registerAppHome, withHomeRefresh } from './home.js';
import { metadataKey } from './click-checks.js';
import { registerCardInteractions } from './interactions.js';
import { createSlackMessenger, registerAnswerHandlers } from './messenger.js';
import { createResponderCheck } from './responders.js';
import { withSlackRecovery } from './recover.js';
import { parseRoutes, routeAlert } from './routing.js';
import { slackReportTargets } from './report.js';
import type { ReportTarget } from '../../report/model.js';
import { createSlackSender } from './sender.js';
import { createMapUploader } from './map-upload.js';
import type { MapRenderer } from '../../render/safe.js';
import { installationFrom, installationGuard } from './team-check.js';

export const SLACK_EVENTS_PATH = '/slack/events';
/** A signed request is served once: its signature is remembered a little longer than Slack's 5-minute window. */
const REPLAY_MEMORY_MS = 11 * 60_000;

export interface SlackIntegrationDeps {
  env: SlackEnv;
  /** The Vigil HTTP app (createHttpApp); `/slack/events` is mounted on it in HTTP mode. Unused in Socket Mode. */
  app: Express;
  store: Store;
  actions: ActionsService;
  log: Logger;
  dryRun: boolean;
  status: () => Promise<StatusInfo>;
  /** Called after a click changed an alert (action outcome, user answer): drain the outbox so other channels update. */
  onActionDone?: () => void;
  /** Test seams. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  minIntervalMs?: number;
  /** Draws the travel map (default: src/render's); tests inject a failing one. */
  mapRenderer?: MapRenderer;
  /** Hold the HTTP answer until the listener finished (tests: "response received" means "side effects done"). */
  processBeforeResponse?: boolean;
  /** WebClient retry policy for network errors and 5xx (429 is handled by the sender). */
  retryConfig?: WebClientOptions['retryConfig'];
  /** Size, concurrency and deadline limits for bodies on /slack/events (HTTP mode). */
  inbound?: InboundLimits;
}

export interface SlackIntegration {
  channel: AlertChannel;
  messenger: UserMessenger;
  /** Post a plain notice (the API key expiry warning) to SLACK_ALERT_CHANNEL, through the rate-limited sender. */
  notice(text: string): Promise<void>;
  /** The periodic report: one target per alert channel (SLACK_ALERT_CHANNEL and every routed channel). */
  reportTargets: ReportTarget[];
  /** Socket Mode: connect. HTTP mode: nothing (the Vigil server serves /slack/events). */
  start(): Promise<void>;
  stop(): Promise<void>;
  mode: 'socket' | 'http';
  bolt: App;
  /** The App Home tab (tests wait for its paced publishes with `home.idle()`). */
  home: { idle(): Promise<void> };
  /** For the status provider (`/vigil status`, /readyz): workspace and mode, from auth.test at start-up. */
  status(): { name: string; ok: boolean; detail: string };
}

/**
 * Everything Slack: the alert channel (cards, digest, routing, rate limits), the click handlers, the suspend
 * modal, the "Was this you?" messenger and the /vigil command. Verifies the bot token with auth.test first.
 */
export async function createSlackIntegration(deps: SlackIntegrationDeps): Promise<SlackIntegration> {
  const { env, log } = deps;
  if (!env.SLACK_BOT_TOKEN || !env.SLACK_ALERT_CHANNEL) throw new Error('Slack is not configured (SLACK_BOT_TOKEN, SLACK_ALERT_CHANNEL)');
  registerSecrets([env.SLACK_BOT_TOKEN, env.SLACK_SIGNING_SECRET, env.SLACK_APP_TOKEN]);
  const logger = boltLogger(log);
  const slackApiUrl = env.SLACK_API_URL ? env.SLACK_API_URL.replace(/\/*$/, '/') : undefined;
  const clientOptions: WebClientOptions = {
    slackApiUrl,
    rejectRateLimitedCalls: true,
    retryConfig: deps.retryConfig ?? { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 10_000 },
    timeout: 30_000,
    logger,
  };

  let auth;
  try {
    auth = await new WebClient(env.SLACK_BOT_TOKEN, clientOptions).auth.test();
  } catch (err) {
    throw new UpstreamError('slack_auth', `Slack rejected SLACK_BOT_TOKEN (auth.test: ${(err as Error).message}). Reinstall the app and copy the Bot User OAuth Token.`);
  }
  // Which workspace (or Enterprise Grid org) this Vigil serves: the settings, or the bot token's own.
  const installation = installationFrom(env, auth);
  const base = { token: env.SLACK_BOT_TOKEN, botId: auth.bot_id, botUserId: auth.user_id, clientOptions, logger };

  let bolt: App;
  const mode = env.SLACK_APP_TOKEN ? 'socket' : 'http';
  if (env.SLACK_APP_TOKEN) {
    // Bolt does not pass a dispatcher on to Socket Mode: the receiver is built here so the WebSocket (and its
    // apps.connections.open calls) leave through the outbound proxy like every other call.
    const receiver = new SocketModeReceiver({
      appToken: env.SLACK_APP_TOKEN,
      logger,
      dispatcher: proxiedTransport()?.dispatcher,
      installerOptions: { clientOptions: slackApiUrl ? { slackApiUrl } : {} },
    });
    bolt = new App({ ...base, receiver, socketMode: true });
  } else {
    if (!env.SLACK_SIGNING_SECRET) throw new Error('SLACK_SIGNING_SECRET is required in HTTP mode');
    const firstSeen = createReplayGuard(deps.store.locks.backend, REPLAY_MEMORY_MS, deps.now);
    deps.app.post(
      SLACK_EVENTS_PATH,
      ...slackInbound({
        signingSecret: env.SLACK_SIGNING_SECRET,
        limits: deps.inbound ?? DEFAULT_CHAT_LIMITS,
        now: deps.now,
        firstSeen: (sig) => firstSeen(`slack:${sig}`),
        onRefuse: (status, reason) => log.warn({ status, reason }, 'Slack request refused'),
      }),
    );
    const receiver = new ExpressReceiver({
      signingSecret: env.SLACK_SIGNING_SECRET,
      app: deps.app,
      endpoints: SLACK_EVENTS_PATH,
      processBeforeResponse: deps.processBeforeResponse ?? false,
      logger,
    });
    bolt = new App({ ...base, receiver });
  }
  bolt.error(async (err) => {
    log.error({ err: err.message }, 'Slack listener failed');
  });
  // Before every listener: requests from another workspace or org are acked with nothing and go no further.
  bolt.use(installationGuard(installation, log));

  const client = bolt.client;
  const sender = createSlackSender({ client, log, now: deps.now, sleep: deps.sleep, minIntervalMs: deps.minIntervalMs });
  const responders = createResponderCheck({ responders: env.SLACK_RESPONDERS, client, sender, store: deps.store, log, cacheMs: env.SLACK_RESPONDER_CACHE_SECONDS * 1000, now: deps.now });
  const emailOf = createEmailLookup({ client, sender, log, now: deps.now });
  const runner = createActionRunner({ store: deps.store, actions: deps.actions, sender, client, log, dryRun: deps.dryRun, now: deps.now, onDone: deps.onActionDone, emailOf });
  const routes = parseRoutes(env.SLACK_ALERT_CHANNEL, env.SLACK_CHANNEL_ROUTES);
  const withMap = createMapUploader({ client, sender, log, apiUrl: slackApiUrl, render: deps.mapRenderer });
  const cards = createSlackChannel({ sender, routes, log, digestThreshold: env.SLACK_DIGEST_THRESHOLD, pings: () => responders.pings(), withMap, escalationChannel: env.SLACK_ESCALATION_CHANNEL });
  const home = registerAppHome(bolt, { store: deps.store, client, responders, status: deps.status, log, perUserMs: env.SLACK_HOME_REFRESH_SECONDS * 1000, now: deps.now, sleep: deps.sleep });
  const channel = withHomeRefresh(withSlackRecovery(cards, { client, route: (a) => routeAlert(routes, a), log }), home);
  const messengerDeps = { client, sender, store: deps.store, actions: deps.actions, runner, log, pings: () => responders.pings(), now: deps.now, onDone: deps.onActionDone };

  const metaKey = metadataKey(env.SLACK_SIGNING_SECRET ?? env.SLACK_APP_TOKEN ?? env.SLACK_BOT_TOKEN);
  registerCardInteractions(bolt, { store: deps.store, runner, actions: deps.actions, responders, sender, client, log, dryRun: deps.dryRun, metadataKey: metaKey });
  registerAnswerHandlers(bolt, messengerDeps);
  registerSlashCommand(bolt, { store: deps.store, status: deps.status, responders, client, sender, log, now: deps.now, emailOf });

  log.info({ mode, team: installation.teamId, enterprise: installation.enterpriseId, bot: auth.user_id }, `Slack connected (${mode === 'socket' ? 'Socket Mode' : `HTTP on ${SLACK_EVENTS_PATH}`})`);
  return {
    channel,
    messenger: createSlackMessenger(messengerDeps),
    mode,
    bolt,
    home,
    notice: async (text) => void (await sender.post(env.SLACK_ALERT_CHANNEL!, { text: `:warning: ${text}` })),
    reportTargets: slackReportTargets(routes, sender),
    status: () => ({
      name: 'Slack',
      ok: true,
      detail: `${mode === 'socket' ? 'Socket Mode' : `HTTP ${SLACK_EVENTS_PATH}`}, workspace ${auth.team ?? auth.team_id ?? '?'}, alerts to ${env.SLACK_ALERT_CHANNEL}`,
    }),
    async start() {
      if (mode === 'socket') await bolt.start();
    },
    async stop() {
      home.stop();
      if (mode === 'socket') await bolt.stop();
    },
  };
}
