import { z } from 'zod';
import cron from 'node-cron';
import { bool, duration, int, list, need, optStr, optUrl, parseDuration, ALWAYS } from '../lib/settings.js';

/** A duration (the default when unset) within [min, max] ms, or 0 for `0`/`off`. */
const offOrDuration = (dflt: string, min: number, max: number, message: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const s = (v ?? '').trim().toLowerCase();
      if (s === 'off' || s === '0') return 0;
      const ms = parseDuration(s === '' ? dflt : s);
      if (ms === undefined || ms < min || ms > max) {
        ctx.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return ms;
    });

const learnWindow = offOrDuration('30d', 0, 180 * 86_400_000, 'must be a duration up to 180d (Atlassian keeps 180 days), e.g. 30d, or 0/off to go live at once');
/** VIGIL_ACK_TIMEOUT: a duration of at least a minute (default 15m), or 0/off for no reminders. */
const ackTimeout = offOrDuration('15m', 60_000, 7 * 86_400_000, 'must be a duration from 1m to 7d, e.g. 15m, or 0/off for no reminders');

/** Service, store, scheduler and Atlassian source settings. */
export const coreSchema = z
  .object({
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    VIGIL_HOST: z.string().default('127.0.0.1'),
    PORT: int(3000, 0, 65535),
    VIGIL_PUBLIC_URL: optUrl,
    VIGIL_STORE_URL: z
      .string()
      .default('sqlite://./data/vigil.sqlite')
      .refine((v) => /^(sqlite|redis|rediss|postgres|postgresql|memory):\/\//.test(v) || v === 'memory', {
        message: 'must start with sqlite://, redis://, rediss://, postgresql:// or memory://',
      }),
    /** How long start-up waits for a Redis or PostgreSQL store to answer before it stops with a clear message. */
    VIGIL_STORE_CONNECT_TIMEOUT: duration('30s').refine((ms) => ms >= 100 && ms <= 3_600_000, { message: 'must be between 100ms and 1h' }),
    VIGIL_LOCK_LEASE: duration('30s').refine((ms) => ms >= 500 && ms <= 3_600_000, { message: 'must be between 500ms and 1h' }),
    VIGIL_SWEEP_SCHEDULE: z
      .string()
      .default('*/5 * * * *')
      .refine((v) => cron.validate(v), { message: 'must be a cron expression, e.g. "*/5 * * * *"' }),
    VIGIL_DEMO: bool(false),
    VIGIL_DEMO_FILE: optStr,
    VIGIL_BACKFILL: duration('24h'),
    /** First start with an empty store: learn this much audit history (no alerts) before going live; 0 or off: never. */
    VIGIL_LEARN: learnWindow,
    VIGIL_OVERLAP: duration('5m'),
    VIGIL_SEEN_WINDOW: duration('6h'),
    VIGIL_SWEEP_MAX_PAGES: int(1000, 1, 1_000_000),
    VIGIL_WEBHOOK_SECRET: optStr.refine((v) => v === undefined || v.length >= 16, {
      message: 'must be at least 16 characters (generate one with: openssl rand -hex 32)',
    }),
    VIGIL_WEBHOOK_MAX_BYTES: int(1_048_576, 1024, 50 * 1_048_576),
    /** Authorization secret of POST /webhooks/guard-detect (Guard Detect's SIEM webhook); its own, not the audit webhook's. */
    VIGIL_GUARD_DETECT_SECRET: optStr.refine((v) => v === undefined || v.length >= 16, {
      message: 'must be at least 16 characters (generate one with: openssl rand -hex 32)',
    }),
    /** Inbound routes (webhook, Slack, Teams): body deadline, per-route concurrency and body bytes in memory. */
    VIGIL_BODY_TIMEOUT: duration('10s').refine((ms) => ms >= 100 && ms <= 300_000, { message: 'must be between 100ms and 5m' }),
    VIGIL_INBOUND_MAX_REQUESTS: int(32, 1, 10_000),
    VIGIL_INBOUND_MAX_BYTES_IN_FLIGHT: int(8 * 1_048_576, 65_536, 1024 * 1_048_576),
    VIGIL_CHAT_MAX_BYTES: int(262_144, 16_384, 10 * 1_048_576),
    VIGIL_RETENTION_DAYS: int(180, 1, 3650),
    /** When set, GET /metrics requires `Authorization: Bearer <this token>`. */
    VIGIL_METRICS_TOKEN: optStr,
    VIGIL_DRY_RUN: bool(false),
    /** An open alert at or above VIGIL_ESCALATE_SEVERITY nobody acknowledged this long is re-announced in its thread. */
    VIGIL_ACK_TIMEOUT: ackTimeout,
    /** ...and this much longer after that reminder it goes to the escalation channel (SLACK_/TEAMS_ESCALATION_CHANNEL). */
    VIGIL_ESCALATE_AFTER: duration('15m').refine((ms) => ms >= 60_000 && ms <= 7 * 86_400_000, { message: 'must be between 1m and 7d' }),
    /** The lowest severity that is reminded and escalated (medium and low never are by default). */
    VIGIL_ESCALATE_SEVERITY: z.enum(['low', 'medium', 'high', 'critical']).default('high'),
    /** Outbound forward proxy (CONNECT); lowercase https_proxy / no_proxy win over the uppercase names. */
    HTTPS_PROXY: optUrl,
    https_proxy: optUrl,
    /** Hosts reached directly: comma list of names (with their subdomains), .suffix, host:port, IPs, CIDR, or *. */
    NO_PROXY: optStr,
    no_proxy: optStr,
    HTTP_TIMEOUT_MS: int(30_000, 1000, 600_000),
    ATLASSIAN_ORG_ID: optStr,
    ATLASSIAN_API_KEY: optStr,
    ATLASSIAN_API_BASE_URL: optUrl.transform((v) => (v ?? 'https://api.atlassian.com').replace(/\/+$/, '')),
    ATLASSIAN_PAGE_LIMIT: int(200, 1, 1000),
    ATLASSIAN_API_KEY_EXPIRES: optStr.refine((v) => v === undefined || !Number.isNaN(Date.parse(v)), {
      message: 'must be a date, e.g. 2027-03-31',
    }),
    ATLASSIAN_MAX_RETRIES: int(5, 0, 20),
  })
  .superRefine((env, ctx) => {
    if (env.VIGIL_METRICS_TOKEN && env.VIGIL_METRICS_TOKEN.length < 16)
      need(ctx, 'VIGIL_METRICS_TOKEN', 'must be at least 16 characters (generate one with: openssl rand -hex 32)');
    if (env.ATLASSIAN_API_KEY && !env.ATLASSIAN_ORG_ID)
      need(ctx, 'ATLASSIAN_ORG_ID', 'required when ATLASSIAN_API_KEY is set (admin.atlassian.com → Settings → API keys shows it)');
    if (env.ATLASSIAN_ORG_ID && !env.ATLASSIAN_API_KEY)
      need(ctx, 'ATLASSIAN_API_KEY', 'required when ATLASSIAN_ORG_ID is set (create one in admin.atlassian.com → Settings → API keys)');
  }, ALWAYS);
export type CoreEnv = z.infer<typeof coreSchema>;
export { list };
