import type { Express } from 'express';
import { createGraphClient } from '../actions/graph/client.js';
import { createTokenProvider, graphScope } from '../actions/graph/token.js';
import { isEntraConfigured } from '../actions/index.js';
import type { ActionsService, UserMessenger } from '../actions/types.js';
import type { AlertChannel } from '../domain/index.js';
import type { StatusInfo } from '../chat-commands/status.js';
import type { Config } from '../config/index.js';
import { inboundLimits } from '../http/body-gate.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

export interface ChatIntegrations {
  channels: AlertChannel[];
  messengers: UserMessenger[];
  /** Post a plain notice (e.g. the API key expiry warning) to the alert channels. */
  notice(text: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  names: string[];
}

/**
 * Slack and Teams, each only when configured. Loaded lazily so a deployment without Teams never loads botbuilder.
 */
export async function createChatIntegrations(deps: {
  cfg: Config;
  http: Express;
  store: Store;
  actions: ActionsService;
  log: Logger;
  status: () => Promise<StatusInfo>;
  onActionDone?: () => void;
}): Promise<ChatIntegrations> {
  const { cfg, log } = deps;
  const out: ChatIntegrations = {
    channels: [],
    messengers: [],
    names: [],
    notice: async () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
  const notices: Array<(t: string) => Promise<void>> = [];
  const starts: Array<() => Promise<void>> = [];
  const stops: Array<() => Promise<void>> = [];

  if (cfg.slack.SLACK_BOT_TOKEN) {
    const { createSlackIntegration } = await import('../channels/slack/index.js');
    const slack = await createSlackIntegration({
      env: cfg.slack,
      app: deps.http,
      store: deps.store,
      actions: deps.actions,
      log: log.child({ channel: 'slack' }),
      dryRun: cfg.core.VIGIL_DRY_RUN,
      status: deps.status,
      onActionDone: deps.onActionDone,
      inbound: inboundLimits(cfg.core, cfg.core.VIGIL_CHAT_MAX_BYTES),
    });
    const { parseRoutes, routeAlert } = await import('../channels/slack/routing.js');
    const { withSlackRecovery } = await import('../channels/slack/recover.js');
    const routes = parseRoutes(cfg.slack.SLACK_ALERT_CHANNEL!, cfg.slack.SLACK_CHANNEL_ROUTES);
    out.channels.push(withSlackRecovery(slack.channel, { client: slack.bolt.client, route: (a) => routeAlert(routes, a), log }));
    out.messengers.push(slack.messenger);
    out.names.push(`slack (${slack.mode} mode)`);
    starts.push(() => slack.start());
    stops.push(() => slack.stop());
    notices.push(async (text) => {
      await slack.bolt.client.chat.postMessage({ channel: cfg.slack.SLACK_ALERT_CHANNEL!, text: `:warning: ${text}` });
    });
  }

  if (cfg.teams.MICROSOFT_APP_ID) {
    const { createTeamsIntegration } = await import('../channels/teams/index.js');
    const graph = isEntraConfigured(cfg.entra)
      ? createGraphClient({
          baseUrl: cfg.entra.GRAPH_BASE_URL,
          tokens: createTokenProvider({
            authorityHost: cfg.entra.ENTRA_AUTHORITY_HOST,
            tenantId: cfg.entra.ENTRA_TENANT_ID!,
            clientId: cfg.entra.ENTRA_CLIENT_ID!,
            clientSecret: cfg.entra.ENTRA_CLIENT_SECRET!,
            scope: graphScope(cfg.entra.GRAPH_BASE_URL),
          }),
        })
      : undefined;
    const teams = await createTeamsIntegration({
      env: cfg.teams,
      app: deps.http,
      store: deps.store,
      actions: deps.actions,
      log,
      dryRun: cfg.core.VIGIL_DRY_RUN,
      status: deps.status,
      graph: graph ? { call: (method, path, body) => graph.call(method, path, body) } : undefined,
      onActionDone: deps.onActionDone,
      inbound: inboundLimits(cfg.core, cfg.core.VIGIL_CHAT_MAX_BYTES),
    });
    out.channels.push(teams.channel);
    out.names.push('teams');
    stops.push(() => teams.stop());
  }

  out.notice = async (text) => {
    for (const n of notices) await n(text).catch((err: Error) => log.warn({ err: err.message }, 'could not post a notice'));
  };
  out.start = async () => {
    for (const s of starts) await s();
  };
  out.stop = async () => {
    for (const s of stops) await s().catch(() => undefined);
  };
  return out;
}
