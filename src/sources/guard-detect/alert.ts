import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import { atlassianHref, type Alert, type EvidenceItem } from '../../domain/index.js';
import { parseTime } from '../atlassian/normalize.js';

/**
 * One Atlassian Guard Detect alert as its SIEM webhook sends it (shared/reference/atlassian.md §4.5: the
 * Microsoft Sentinel "Integration for Atlassian Beacon" Parse_JSON schema reconciled with a Cyderes sample).
 * Every field is optional and may be null: Guard Detect's schema is not published by Atlassian. Unknown keys are
 * dropped. What Vigil needs (an alert id and a title) is checked by `checkGuardDetectAlert`.
 */
const id = z.union([z.string().max(500), z.number()]).nullish();
const text = z.string().max(20_000).nullish();
const time = z.union([z.number(), z.string().max(100)]).nullish();
const Session = z.object({ ipAddress: text, userAgent: text, loginTime: time, lastActiveTime: time });

export const GuardDetectPayload = z.object({
  id,
  type: text,
  timestamp: time,
  alertId: id,
  alertTitle: text,
  alertDetailURL: text,
  detectionTime: time,
  activity: z
    .object({
      action: text,
      subject: z.object({ ari: text, ati: text, containerAri: text }).nullish(),
      time: z.object({ start: time, end: time }).nullish(),
    })
    .nullish(),
  actor: z.object({ accountId: id, name: text, url: text, sessions: z.array(Session).max(1000).nullish() }).nullish(),
  alert: z.object({ id, created: time, product: text, site: text, title: text, url: text }).nullish(),
  workspace: z.object({ id, orgId: id, cloudId: id }).nullish(),
});
export type GuardDetectPayload = z.infer<typeof GuardDetectPayload>;

/** What Vigil knows about the alert's actor from the audit log (Guard Detect sends an account id, no email). */
export interface KnownUser {
  email?: string;
  name?: string;
}

export const GUARD_DETECT_DETECTION = 'guard-detect';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** Outside text made one safe line: controls and bidi overrides removed, whitespace collapsed, bounded. */
export function clean(v: unknown, max: number): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = String(v).replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
  if (s === '') return undefined;
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** Guard Detect's id for the alert: `alertId`, else `alert.id`, else the top-level `id`. */
function alertKeyOf(p: GuardDetectPayload): string | undefined {
  return clean(p.alertId ?? p.alert?.id ?? p.id, 200);
}

/** Why the payload cannot become an alert, or undefined when it can. */
export function checkGuardDetectAlert(p: GuardDetectPayload): string | undefined {
  if (!alertKeyOf(p)) return 'no alert id (alertId, alert.id or id)';
  if (!clean(p.alertTitle ?? p.alert?.title, 300)) return 'no alert title (alertTitle or alert.title)';
  return undefined;
}

/** Vigil's alert id for a Guard Detect alert: the same Guard Detect alert (per workspace) is always the same Vigil alert. */
export function guardDetectAlertId(p: GuardDetectPayload): string {
  const scope = clean(p.workspace?.id ?? p.workspace?.orgId, 200) ?? '';
  const digest = createHash('sha256').update(`guard-detect\u0000${scope}\u0000${alertKeyOf(p) ?? ''}`).digest('hex');
  return `gd-${digest.slice(0, 32)}`;
}

const YEAR = 365 * 86_400_000;
/** A time from outside, as epoch ms, when it is plausible (within the last year, not more than an hour ahead). */
function plausible(v: unknown, now: number): number | undefined {
  let t: number | undefined;
  if (typeof v === 'number') t = v < 1e11 ? v * 1000 : v; // seconds or milliseconds
  else if (typeof v === 'string') t = /^\d+$/.test(v.trim()) ? Number(v) : parseTime(v);
  if (t === undefined || !Number.isFinite(t)) return undefined;
  return t > now - YEAR && t < now + 3_600_000 ? Math.floor(t) : undefined;
}

const utc = (t: number) => new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';

function sessionsOf(p: GuardDetectPayload, now: number): { ips: string[]; line?: string } {
  const sessions = p.actor?.sessions ?? [];
  const ips: string[] = [];
  const parts: string[] = [];
  for (const s of sessions) {
    const ip = clean(s.ipAddress, 60);
    if (!ip || isIP(ip) === 0 || ips.includes(ip)) continue;
    ips.push(ip);
    if (parts.length >= 3) continue;
    const agent = clean(s.userAgent, 80);
    const login = plausible(s.loginTime, now);
    parts.push(`${ip}${agent ? ` (${agent})` : ''}${login !== undefined ? `, signed in ${utc(login)}` : ''}`);
  }
  if (ips.length > 3) parts.push(`and ${ips.length - 3} more`);
  return { ips: ips.slice(0, 20), ...(parts.length ? { line: parts.join('; ') } : {}) };
}

const RUNBOOK =
  'Open the alert in Guard Detect for what it saw (pages, searches, content, the suggested investigation). Ask the user ' +
  'whether it was them (Notify user). If not, or if the activity is clearly hostile, require re-sign-in or suspend them from this card.';

/**
 * The Vigil alert for one Guard Detect alert. Pure apart from the clock handed in: the same payload gives the same
 * alert, so a redelivery merges into the stored one; a later update (newer detection time) grows its revision.
 * `whenUnknown` is the time used when the payload carries no plausible one (the stored alert's, else `now`), so a
 * redelivery of such a payload is still a duplicate.
 */
export function mapGuardDetectAlert(p: GuardDetectPayload, known: KnownUser | undefined, now: number, whenUnknown = now): Alert {
  const title = clean(p.alertTitle ?? p.alert?.title, 300) ?? 'Guard Detect alert';
  const key = alertKeyOf(p) ?? '';
  const accountId = clean(p.actor?.accountId, 200);
  const name = clean(p.actor?.name, 200) ?? known?.name;
  const email = known?.email;
  const who = name ?? email ?? accountId ?? 'an unknown user';
  const product = clean(p.alert?.product, 60);
  const siteHref = atlassianHref(p.alert?.site);
  const site = siteHref ? new URL(siteHref).host : clean(p.alert?.site, 200);
  const action = clean(p.activity?.action, 200);
  const detected = plausible(p.detectionTime, now) ?? plausible(p.timestamp, now) ?? plausible(p.alert?.created, now);
  const started = plausible(p.activity?.time?.start, now);
  const lastSeen = Math.max(detected ?? started ?? whenUnknown, started ?? 0);
  const firstSeen = Math.min(started ?? lastSeen, lastSeen);
  const link = atlassianHref(p.alertDetailURL) ?? atlassianHref(p.alert?.url);
  const rawLink = p.alertDetailURL ?? p.alert?.url;
  const sessions = sessionsOf(p, now);
  const type = clean(p.type, 100);

  const evidence: EvidenceItem[] = [];
  if (type) evidence.push({ label: 'Alert type', value: type });
  if (product || site) evidence.push({ label: 'Where', value: [product, site].filter(Boolean).join(' · ') });
  if (action) evidence.push({ label: 'Activity', value: action });
  if (started !== undefined) evidence.push({ label: 'Activity started', value: utc(started) });
  if (sessions.line) evidence.push({ label: 'Sessions', value: sessions.line });
  if (!email)
    evidence.push({ label: 'Email', value: 'unknown: this account is not in the audit activity Vigil saw in the last 30 days (notify, re-sign-in and suspend need it)' });
  if (rawLink && !link) evidence.push({ label: 'Link', value: 'withheld: not an https link to an Atlassian host' });

  return {
    id: guardDetectAlertId(p),
    detection: GUARD_DETECT_DETECTION,
    severity: 'high',
    title: `Guard Detect: ${title}`,
    summary: `Atlassian Guard Detect raised "${title}" for ${who}${product || site ? ` (${[product, site].filter(Boolean).join(' on ')})` : ''} at ${utc(lastSeen)}. Guard Detect notifies; respond from this card.`,
    actor: { id: accountId ?? 'guard-detect:unknown-actor', ...(email ? { email } : {}), ...(name ? { name } : {}) },
    eventIds: [`guard-detect:${key}`],
    count: 1,
    firstSeen,
    lastSeen,
    evidence,
    facts: {
      source: 'guard-detect',
      guardDetect: {
        alertId: key,
        ...(type ? { type } : {}),
        ...(product ? { product } : {}),
        ...(site ? { site } : {}),
        ...(action ? { action } : {}),
        ...(clean(p.workspace?.id, 200) ? { workspaceId: clean(p.workspace?.id, 200) } : {}),
        ...(clean(p.workspace?.orgId, 200) ? { orgId: clean(p.workspace?.orgId, 200) } : {}),
        ...(clean(p.activity?.subject?.ari, 500) ? { subjectAri: clean(p.activity?.subject?.ari, 500) } : {}),
      },
      ...(sessions.ips.length ? { ips: sessions.ips } : {}),
      ...(link ? { link: { label: 'Open in Guard Detect', url: link } } : {}),
    },
    runbook: RUNBOOK,
    mitre: [],
    status: 'open',
    revision: 1,
    createdAt: now,
  };
}
