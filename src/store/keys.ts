import { createHash } from 'node:crypto';

/**
 * Every key namespace Vigil writes, in one place. Keys are plain strings inside one keyv namespace
 * (`vigil`), so a Redis or SQLite shared by several tools never collides with them.
 */
/**
 * Ids from outside (actor ids, event ids, group keys) go into keys as they are when short; a long one is
 * replaced by its SHA-256, so no caller can make a key longer than the stores accept (VARCHAR(255)). A NUL
 * byte (the separator of keyed slots, `password-spray\0<ip>`) is written `%00`: SQLite cut the key there (every
 * IP of a detection shared one record) and PostgreSQL refuses it.
 */
function id(raw: string): string {
  return raw.length <= 120 ? raw.replaceAll('\u0000', '%00') : `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

export const keys = {
  /** Sweep checkpoint: cursor + processedAt watermark (small: detection state lives per actor). */
  checkpoint: (orgId: string) => `checkpoint:${orgId}`,
  /** Org-wide detection state: engine clock, the org's first event, countries used (bounded). */
  engineOrg: (orgId: string) => `engine:${orgId}:org`,
  /** One actor's detection state (first/last seen, countries, each detection's state, open alerts). */
  engineActor: (orgId: string, actorId: string) => `engine:${orgId}:actor:${id(actorId)}`,
  /** A keyed detection state (`${detection}\0${key}`, e.g. a policy grouped by IP) and its open alert. */
  engineKeyed: (orgId: string, slot: string) => `engine:${orgId}:keyed:${id(slot)}`,
  /** A processed event id, kept (with a time to live on the wall clock) for dedupe of overlaps and webhook + sweep. */
  seen: (orgId: string, eventId: string) => `seen:${orgId}:${id(eventId)}`,
  /** An event held back because its time cannot be trusted (far future, absurdly old), kept for inspection. */
  quarantine: (orgId: string, eventId: string) => `quarantine:${orgId}:${id(eventId)}`,
  alert: (alertId: string) => `alert:${alertId}`,
  /** Ordered list of alert ids with lastSeen, for listing and export. */
  alertIndex: () => 'alerts:index',
  /** Alert ids whose newest revision is not yet delivered to every channel. */
  outbox: () => 'outbox:pending',
  /** Per channel and alert: which revision was delivered and the platform reference (Slack ts, Teams activity id...). */
  delivery: (channel: string, alertId: string) => `delivery:${channel}:${alertId}`,
  /** Audit trail of actions taken on an alert. */
  audit: (alertId: string) => `audit:${alertId}`,
  /** The notification email of one alert: written before sendMail, so it is sent at most once (issue 14). */
  notifyMail: (alertId: string) => `notify-mail:${alertId}`,
  /** Idempotency record of one action on one alert. */
  action: (alertId: string, kind: string) => `action:${alertId}:${kind}`,
  /** /event-actions catalogue, refreshed daily. */
  eventActions: (orgId: string) => `event-actions:${orgId}`,
  /** Last sweep summary, for status and readiness. */
  lastSweep: () => 'sweep:last',
  /** Distributed lock (sweeps, outbox drains). */
  lock: (name: string) => `lock:${name}`,
  /** Teams conversation references, by conversation id. */
  teamsConversation: (conversationId: string) => `teams:conversation:${conversationId}`,
  teamsConversationIndex: () => 'teams:conversations',
  /** Result of one Teams card invoke, by invoke activity id (Teams retries slow invokes: answer, don't redo). */
  teamsInvoke: (invokeId: string) => `teams:invoke:${invokeId}`,
  /** Cached responder group membership, per platform. */
  responders: (platform: string) => `responders:${platform}`,
  /** Version 1 layout: a user's whole 30-day activity in one value (read only by the migration). */
  activity: (accountId: string) => `activity:${accountId}`,
  /** One day (UTC, yyyy-mm-dd) of a user's activity; days expire whole. */
  activityDay: (accountId: string, day: string) => `activity:${id(accountId)}:${day}`,
  /** Lower-cased email → Atlassian account id, learned from events. */
  userByEmail: (email: string) => `user-by-email:${email.toLowerCase()}`,
  /** Free-form per-integration state (e.g. API key expiry warnings already sent). */
  meta: (name: string) => `meta:${name}`,
} as const;
