import type { Express } from 'express';
import type { ActionsService } from '../../actions/types.js';
import type { StatusInfo } from '../../chat-commands/index.js';
import type { TeamsEnv } from './settings.js';
import { DEFAULT_CHAT_LIMITS, type InboundLimits } from '../../http/body-gate.js';
import { registerSecrets, type Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { AlertChannel } from '../../domain/index.js';
import { createBotAdapter, registerBotRoute } from './adapter.js';
import type { BotEndpoints } from './clouds.js';
import { VigilTeamsBot } from './bot.js';
import { createCardActionHandler } from './card-actions.js';
import { createAssigneeDirectory } from './assignees.js';
import { createTeamsChannel } from './channel.js';
import type { MapRenderer } from '../../render/safe.js';
import { teamsReportTarget } from './report.js';
import type { ReportTarget } from '../../report/model.js';
import { createConversationStore } from './conversations.js';
import { createRateLimiter, type Window } from './rate-limit.js';
import { createResponderCheck, graphCheckMemberGroups, parseResponders } from './responders.js';
import { createTeamsSender } from './sender.js';

/**
 * Microsoft Teams integration (botbuilder CloudAdapter, single tenant). Everything botbuilder-specific lives in
 * this folder, so a later move to the Microsoft 365 Agents SDK touches only src/channels/teams/.
 *
 * Registers POST /api/messages on `app`; returns the alert channel for the outbox.
 */
export interface TeamsIntegrationDeps {
  env: TeamsEnv;
  app: Express;
  store: Store;
  actions: ActionsService;
  log: Logger;
  dryRun: boolean;
  status: () => Promise<StatusInfo>;
  /** Graph client (src/actions/graph/client.ts) for TEAMS_RESPONDERS groups; without it only listed users may act. */
  graph?: { call(method: 'POST', path: string, body?: unknown): Promise<{ body: unknown }> };
  /** Link to a user's recent activity on cards (VIGIL_PUBLIC_URL based). */
  /** Called after a card action completed: e.g. drain the outbox now so the shared card updates for everyone. */
  onActionDone?: (alertId: string) => void;
  /** Tests and sovereign clouds: Bot Framework endpoints (JWT key metadata, login authority). */
  endpoints?: Partial<BotEndpoints>;
  /** Tests: clock, sleep and pacing windows. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  rateWindows?: readonly Window[];
  invokeBudgetMs?: number;
  /** Draws the travel map on alert cards (default: src/render's); tests inject a failing one. */
  mapRenderer?: MapRenderer;
  path?: string;
  /** Size, concurrency and deadline limits for bodies on /api/messages. */
  inbound?: InboundLimits;
}

export async function createTeamsIntegration(deps: TeamsIntegrationDeps): Promise<{ channel: AlertChannel; reportTargets: ReportTarget[]; stop(): Promise<void> }> {
  const { env, log } = deps;
  const { problems } = parseResponders(env.TEAMS_RESPONDERS);
  if (problems.length > 0) throw new Error(`TEAMS_RESPONDERS: ${problems.join('; ')}`);
  registerSecrets([env.MICROSOFT_APP_PASSWORD]);
  const tlog = log.child({ channel: 'teams' });
  const adapter = createBotAdapter(env, tlog, deps.endpoints);
  const now = deps.now ?? Date.now;
  const conversations = createConversationStore(deps.store, now);
  const isResponder = createResponderCheck({
    responders: env.TEAMS_RESPONDERS,
    checkMemberGroups: deps.graph ? graphCheckMemberGroups(deps.graph) : undefined,
    log: tlog,
    now,
  });
  if (parseResponders(env.TEAMS_RESPONDERS).list.groups.length > 0 && !deps.graph)
    tlog.warn('TEAMS_RESPONDERS names a group, but Entra ID (Graph) is not configured: only listed user ids can act');
  const assignees = createAssigneeDirectory({ store: deps.store, configured: env.TEAMS_RESPONDERS, now });
  const handleCardAction = createCardActionHandler({
    assignees,
    mapRenderer: deps.mapRenderer,
    store: deps.store,
    actions: deps.actions,
    isResponder,
    dryRun: deps.dryRun,
    log: tlog,
    now,
    invokeBudgetMs: deps.invokeBudgetMs,
    onActionDone: deps.onActionDone,
  });
  const bot = new VigilTeamsBot({ store: deps.store, conversations, isResponder, status: deps.status, log: tlog, now, handleCardAction });
  const tenants = new Set([env.MICROSOFT_APP_TENANT_ID!, ...(env.TEAMS_ALLOWED_TENANTS ?? [])].map((t) => t.toLowerCase()));
  registerBotRoute(deps.app, adapter, bot, tlog, { path: deps.path, limits: deps.inbound ?? DEFAULT_CHAT_LIMITS, tenants });
  const sender = createTeamsSender({
    adapter,
    appId: env.MICROSOFT_APP_ID!,
    limiter: createRateLimiter({ windows: deps.rateWindows, now, sleep: deps.sleep }),
    log: tlog,
    now,
    sleep: deps.sleep,
  });
  const channel = createTeamsChannel({ sender, conversations, assignees, alertChannel: env.TEAMS_ALERT_CHANNEL, escalationChannel: env.TEAMS_ESCALATION_CHANNEL, log: tlog, mapRenderer: deps.mapRenderer });
  tlog.info({ alertChannel: env.TEAMS_ALERT_CHANNEL ?? '(subscribe)' }, 'Teams bot listening on /api/messages');
  const reportTargets = [teamsReportTarget({ sender, conversations, alertChannel: env.TEAMS_ALERT_CHANNEL })];
  return { channel, reportTargets, stop: async () => undefined };
}
