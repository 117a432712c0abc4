import type { ChannelContext, ChannelInstance } from '../channels/plugin.js';
import { channelPlugins } from '../channels/registry.js';
import type { Config } from '../config/index.js';
import type { AlertChannel } from '../domain/index.js';
import type { ReportTarget } from '../report/model.js';

export interface ChannelSet {
  channels: AlertChannel[];
  /** Status names of the configured channels, e.g. `slack (http mode)`, `jira`. */
  names: string[];
  /** Post a plain notice (e.g. the API key expiry warning) through every channel that takes notices. */
  notice(text: string): Promise<void>;
  /** Every alert channel that takes the periodic report. */
  reportTargets: ReportTarget[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Every channel plugin the configuration turns on (channels/registry.ts order), created with the shared context. */
export async function createChannels(cfg: Config, ctx: ChannelContext): Promise<ChannelSet> {
  const created: ChannelInstance[] = [];
  for (const [name, plugin] of channelPlugins()) if (plugin.enabled(cfg[name])) created.push(await plugin.create(cfg[name], ctx));
  return {
    channels: created.flatMap((c) => c.channels),
    names: created.flatMap((c) => c.names),
    reportTargets: created.flatMap((c) => c.reportTargets ?? []),
    async notice(text) {
      for (const c of created) await c.notice?.(text).catch((err: Error) => ctx.log.warn({ err: err.message }, 'could not post a notice'));
    },
    async start() {
      for (const c of created) await c.start?.();
    },
    async stop() {
      for (const c of created) await c.stop?.().catch(() => undefined);
    },
  };
}

/** Secret values to scrub from every log line: the service's own and each channel plugin's. */
export function secretsOf(cfg: Config): Array<string | undefined> {
  return [
    cfg.core.ATLASSIAN_API_KEY,
    cfg.core.VIGIL_WEBHOOK_SECRET,
    cfg.core.VIGIL_GUARD_DETECT_SECRET,
    cfg.core.VIGIL_METRICS_TOKEN,
    cfg.entra.ENTRA_CLIENT_SECRET,
    ...channelPlugins().flatMap(([name, plugin]) => plugin.secrets(cfg[name])),
  ];
}
