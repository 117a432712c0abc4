import type { Express } from 'express';
import type { z } from 'zod';
import type { GraphClient } from '../actions/graph/client.js';
import type { ActionsService, MessengerRegistry } from '../actions/types.js';
import type { StatusInfo } from '../chat-commands/index.js';
import type { AlertChannel, DoctorRow } from '../domain/index.js';
import type { InboundLimits } from '../http/body-gate.js';
import type { Logger } from '../log.js';
import type { ReportTarget } from '../report/model.js';
import type { Store } from '../store/store.js';

/** What the runtime hands every channel plugin when it creates it. */
export interface ChannelContext {
  /** The one HTTP app: a plugin mounts its own routes (and their guards) on it. */
  http: Express;
  store: Store;
  actions: ActionsService;
  /** Chat plugins that can DM the affected user register their messenger here (the Notify action uses them). */
  messengers: MessengerRegistry;
  /** The one Graph client, when Entra ID is configured. */
  graph?: GraphClient;
  log: Logger;
  dryRun: boolean;
  httpTimeoutMs: number;
  /** Size, concurrency and deadline limits for the bodies of inbound chat requests. */
  inbound: InboundLimits;
  /** For `/vigil status` and the Teams status command. */
  status: () => Promise<StatusInfo>;
  /** A click changed an alert: drain the outbox so every channel's card updates. */
  onActionDone: () => void;
}

/** A created channel: its alert channels for the outbox, and its life cycle. */
export interface ChannelInstance {
  channels: AlertChannel[];
  /** Names for the status report, e.g. `slack (socket mode)`. */
  names: string[];
  /** Post a plain notice (e.g. the API key expiry warning) where the alerts go. */
  notice?(text: string): Promise<void>;
  /** Where the periodic report goes: one target per alert channel, each with the alerts routed to it. */
  reportTargets?: ReportTarget[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export interface DoctorContext {
  /** ENTRA_AUTHORITY_HOST: where Microsoft tokens are issued (sovereign clouds differ). */
  authorityHost: string;
}

/**
 * A channel is a plugin: its settings (zod, read from the environment at start-up), when it is on, which of
 * its settings are secrets, how it is created and how `vigil doctor` checks it. Listed in channels/registry.ts;
 * the configuration, the runtime, the doctor and the log scrubber iterate that list.
 */
export interface ChannelPlugin<S = unknown> {
  readonly name: string;
  readonly settings: z.ZodType<S>;
  enabled(settings: S): boolean;
  secrets(settings: S): Array<string | undefined>;
  create(settings: S, ctx: ChannelContext): Promise<ChannelInstance>;
  doctor?(settings: S, ctx: DoctorContext): Promise<DoctorRow[]>;
}

/** What both chat integrations (Slack, Teams) take from the context, under the names they use. */
export function chatDeps(ctx: ChannelContext) {
  const { store, actions, dryRun, status, onActionDone, inbound, log } = ctx;
  return { app: ctx.http, store, actions, dryRun, status, onActionDone, inbound, log };
}

/** Type helper: a plugin literal checked against the interface with its own settings type. */
export const defineChannel = <S>(plugin: ChannelPlugin<S>): ChannelPlugin<S> => plugin;
