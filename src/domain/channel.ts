import type { AlertView } from './alert-view.js';

/** What a channel sees of an earlier delivery of the same alert (the store keeps more). */
export interface PriorDelivery {
  /** The platform reference the channel returned (a Slack ts, a Teams activity id, a Jira issue key...). */
  ref: Record<string, string>;
  deliveredAt?: number;
  /** Set just before a first post; still set without `deliveredAt` after a crash between the post and the save. */
  intentAt?: number;
}

/**
 * An outbound alert channel (Slack, Teams, SIEM webhook, Jira). The outbox calls `deliver` for every new
 * revision of an alert; `previous` is the earlier delivery (with the platform reference such as a Slack ts)
 * so the channel updates its card instead of posting again. Return the reference to store.
 * Throw to have the outbox retry later with backoff.
 */
export interface AlertChannel {
  readonly name: string;
  deliver(view: AlertView, previous: PriorDelivery | undefined): Promise<Record<string, string>>;
  /**
   * Optional: several new alerts from one sweep at once (Slack turns a storm into one digest message).
   * Returns the reference per alert id. Alerts it leaves out of the map are delivered one by one.
   */
  deliverBatch?(views: AlertView[]): Promise<Map<string, Record<string, string>>>;
  /**
   * Optional: after a crash between a post and the saved reference (`previous.intentAt` set, nothing delivered),
   * look up whether the alert was already posted and return its reference, so it is not posted twice.
   */
  recover?(view: AlertView, previous: PriorDelivery): Promise<Record<string, string> | undefined>;
}
