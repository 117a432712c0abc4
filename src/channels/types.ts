import type { ActionOutcome, Alert } from '../domain/index.js';
import type { AuditRecord, Delivery } from '../store/store.js';

/** Everything a renderer needs to draw one alert card: the alert, what was done to it, and by whom. */
export interface AlertView {
  alert: Alert;
  /** Latest outcome per action kind (notify, revoke-sessions, suspend, ...). */
  outcomes: ActionOutcome[];
  audit: AuditRecord[];
  /** VIGIL_DRY_RUN: cards must say that no action is performed for real. */
  dryRun: boolean;
  /** Link to the user's recent activity (VIGIL_PUBLIC_URL based), when known. */
  activityUrl?: string;
}

/**
 * An outbound alert channel (Slack, Teams, SIEM webhook, Jira). The outbox calls `deliver` for every new
 * revision of an alert; `previous` is the earlier delivery (with the platform reference such as a Slack ts)
 * so the channel updates its card instead of posting again. Return the reference to store.
 * Throw to have the outbox retry later with backoff.
 */
export interface AlertChannel {
  readonly name: string;
  deliver(view: AlertView, previous: Delivery | undefined): Promise<Record<string, string>>;
  /**
   * Optional: several new alerts from one sweep at once (Slack turns a storm into one digest message).
   * Returns the reference per alert id. Alerts it leaves out of the map are delivered one by one.
   */
  deliverBatch?(views: AlertView[]): Promise<Map<string, Record<string, string>>>;
  /**
   * Optional: after a crash between a post and the saved reference (`previous.intentAt` set, nothing delivered),
   * look up whether the alert was already posted and return its reference, so it is not posted twice.
   */
  recover?(view: AlertView, previous: Delivery): Promise<Record<string, string> | undefined>;
}
