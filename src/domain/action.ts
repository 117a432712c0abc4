import { z } from 'zod';

export const ActionKind = z.enum(['notify', 'revoke-sessions', 'suspend', 'unsuspend', 'dismiss']);
export type ActionKind = z.infer<typeof ActionKind>;

export const ActionRequest = z.object({
  alertId: z.string(),
  kind: ActionKind,
  /**
   * Who clicked: platform and platform user id, plus a display name for cards. For four-eyes across platforms the
   * channel adds what it knows of the person: the email the platform reports (Slack users.info) and/or the Entra
   * object id (Teams aadObjectId).
   */
  by: z.object({
    platform: z.enum(['slack', 'teams', 'cli', 'api']),
    id: z.string(),
    name: z.string().optional(),
    email: z.string().max(320).optional(),
    entraId: z.string().max(64).optional(),
  }),
  reason: z.string().max(1000).optional(),
  requestedAt: z.number(),
});
export type ActionRequest = z.infer<typeof ActionRequest>;

export const ActionOutcome = z.object({
  alertId: z.string(),
  kind: ActionKind,
  /** unknown: Microsoft Graph gave no answer and the result could not be read back (never retried blindly). */
  status: z.enum(['done', 'failed', 'refused', 'dry-run', 'pending-approval', 'unknown']),
  message: z.string(),
  by: ActionRequest.shape.by,
  at: z.number(),
  /** Graph request id(s) for the audit trail. */
  requestIds: z.array(z.string()).default([]),
  warnings: z.array(z.string()).default([]),
});
export type ActionOutcome = z.infer<typeof ActionOutcome>;
