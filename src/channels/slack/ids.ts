/** Block Kit action ids, callback ids and reasons: the contract between the card and the click handlers. */
export const ACTION = {
  notify: 'vigil_notify',
  revoke: 'vigil_revoke',
  suspend: 'vigil_suspend',
  dismiss: 'vigil_dismiss',
  acknowledge: 'vigil_acknowledge',
  assign: 'vigil_assign',
  answerYes: 'vigil_answer_yes',
  answerNo: 'vigil_answer_no',
} as const;

export const VIEW = { suspend: 'vigil_suspend_reason' } as const;
export const SUSPEND_REASON = { block: 'reason', action: 'reason_input' } as const;
