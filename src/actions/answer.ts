import { z } from 'zod';
import { ActionRequest, SEVERITY_RANK, VigilError, type Alert } from '../domain/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { responderName } from './context.js';

export const UserAnswerInput = z.object({
  alertId: z.string().min(1),
  answer: z.enum(['yes', 'no']),
  by: ActionRequest.shape.by,
  at: z.number(),
});
export type UserAnswerInput = z.infer<typeof UserAnswerInput>;

/**
 * Facts written on the alert for the channels:
 * - `userAnswer`: `{ answer: 'yes' | 'no', by: {platform, id, name?}, at }` — the latest answer.
 * - `userDenied`: `true` once the user answered "no". Channels ping the responders in the alert's thread when a
 *   new revision carries a `userAnswer.answer === 'no'` they have not pinged for (compare `userAnswer.at`).
 */
export function applyUserAnswer(alert: Alert, input: UserAnswerInput): Alert {
  const facts: Record<string, unknown> = { ...alert.facts, userAnswer: { answer: input.answer, by: input.by, at: input.at } };
  if (input.answer === 'yes') return { ...alert, facts };
  facts.userDenied = true;
  return {
    ...alert,
    facts,
    severity: SEVERITY_RANK[alert.severity] < SEVERITY_RANK.high ? 'high' : alert.severity,
    // The user says it was not them: a dismissed alert is live again.
    status: alert.status === 'dismissed' ? 'open' : alert.status,
  };
}

/** Record the affected user's answer to "Was this you?" on the alert (audit first, then the card update). */
export async function recordUserAnswer(deps: { store: Store; log: Logger }, raw: UserAnswerInput): Promise<void> {
  const parsed = UserAnswerInput.safeParse(raw);
  if (!parsed.success) throw new VigilError('bad_request', `Invalid user answer: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const input = parsed.data;
  const before = await deps.store.getAlert(input.alertId);
  if (!before) throw new VigilError('alert_not_found', `Alert ${input.alertId} does not exist (it may have been pruned).`);
  const after = applyUserAnswer(before, input);
  await deps.store.appendAudit({
    at: input.at,
    alertId: input.alertId,
    what: 'user-answer',
    by: `${responderName(input.by)} (${input.by.platform}:${input.by.id})`,
    outcome: input.answer,
    detail: { severityBefore: before.severity, severityAfter: after.severity, statusBefore: before.status, statusAfter: after.status },
  });
  // Reopened: forget the dismissal so the cards offer the response buttons again (the audit trail keeps it).
  if (before.status === 'dismissed' && after.status === 'open') await deps.store.deleteActionOutcome(input.alertId, 'dismiss');
  await deps.store.updateAlert(input.alertId, (a) => applyUserAnswer(a, input));
  deps.log.info({ alertId: input.alertId, answer: input.answer, platform: input.by.platform }, 'user answered "Was this you?"');
}
