import type { ActionOutcome, ActionRequest, Alert } from '../domain/index.js';
import type { OwnershipRequest, OwnershipResult } from './ownership.js';

/**
 * The shared actions layer (Entra ID via Microsoft Graph). Channels authorise the clicking user against their
 * own responder list first, then call `execute`. Implementations are idempotent per alert + action kind:
 * a repeat returns the first outcome. In dry-run they perform nothing and say so in the outcome.
 */
export interface ActionsService {
  execute(req: ActionRequest): Promise<ActionOutcome>;
  /**
   * The affected user answered the "Was this you?" direct message. Recorded on the alert and its audit trail;
   * "no" raises the alert's severity (the channels then ping the responders in the alert's thread).
   */
  recordUserAnswer(input: { alertId: string; answer: 'yes' | 'no'; by: ActionRequest['by']; at: number }): Promise<void>;
  /** Acknowledge or assign the alert (ownership.ts); the channel has checked the people against its responders. */
  own(req: OwnershipRequest): Promise<OwnershipResult>;
}

/**
 * A chat platform that can send the affected user a "Was this you?" direct message with Yes / No buttons
 * (Slack implements it; Teams may). The Notify action calls every registered messenger.
 */
export interface UserMessenger {
  readonly platform: 'slack' | 'teams';
  askWasThisYou(input: { alert: Alert; email: string }): Promise<{ sent: boolean; detail: string }>;
}

/**
 * The port between the actions and the chat channels: the actions need the chat messengers (Notify), the chat
 * channels need the actions (clicks). The runtime creates this registry first, gives it to the actions service,
 * and each chat channel registers its messenger when it is created.
 */
export interface MessengerRegistry {
  register(messenger: UserMessenger): void;
  list(): UserMessenger[];
}

export function createMessengerRegistry(initial: UserMessenger[] = []): MessengerRegistry {
  const messengers = [...initial];
  return { register: (m) => void messengers.push(m), list: () => [...messengers] };
}
