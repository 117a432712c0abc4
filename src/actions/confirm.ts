import { outcomeUnknown } from './graph/client.js';

/** What one step of an action did, for the audit trail and the card. */
export interface StepRecord {
  step: string;
  result: 'done' | 'confirmed-after-no-answer' | 'already' | 'failed' | 'unknown' | 'skipped';
  note?: string;
}

export type ConfirmResult = { ok: true; confirmed: boolean } | { ok: false; unknown: boolean; err: unknown };

/** Appended to a step Graph did not answer, but the read-back shows done. */
export const CONFIRMED_NOTE = ' (Microsoft Graph did not answer in time; confirmed by reading the account back)';

/**
 * An idempotent Graph change (PATCH to a target state, revoke): when Graph gives no answer, the account is
 * read back to learn the real outcome. Already in the target state: done. Not: the change is sent once more
 * (repeating it is harmless). The read-back failing too: unknown, never "failed".
 */
export async function changeAndConfirm(change: () => Promise<unknown>, inTargetState: () => Promise<boolean>): Promise<ConfirmResult> {
  try {
    await change();
    return { ok: true, confirmed: false };
  } catch (err) {
    if (!outcomeUnknown(err)) return { ok: false, unknown: false, err };
    let done: boolean;
    try {
      done = await inTargetState();
    } catch {
      return { ok: false, unknown: true, err };
    }
    if (done) return { ok: true, confirmed: true };
    try {
      await change();
      return { ok: true, confirmed: false };
    } catch (again) {
      return { ok: false, unknown: outcomeUnknown(again), err: again };
    }
  }
}
