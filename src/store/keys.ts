/**
 * Every key namespace Vigil writes, in one place. Keys are plain strings inside one keyv namespace
 * (`vigil`), so a Redis or SQLite shared by several tools never collides with them.
 */
export const keys = {
  /** Sweep checkpoint: cursor + processedAt watermark + detection engine state, written atomically as one value. */
  checkpoint: (orgId: string) => `checkpoint:${orgId}`,
  /** Engine state for streamed (webhook) and sweep events share this checkpoint; replay never touches the store. */
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
  /** A user's recent activity (compact events, last 30 days), for the activity lookup commands. */
  activity: (accountId: string) => `activity:${accountId}`,
  /** Lower-cased email → Atlassian account id, learned from events. */
  userByEmail: (email: string) => `user-by-email:${email.toLowerCase()}`,
  /** Free-form per-integration state (e.g. API key expiry warnings already sent). */
  meta: (name: string) => `meta:${name}`,
} as const;
