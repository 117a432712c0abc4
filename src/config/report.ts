import cron from 'node-cron';
import { z } from 'zod';

/** Monday 08:00 (the server's time zone; UTC in the container image). */
export const DEFAULT_REPORT_CRON = '0 8 * * 1';

/**
 * VIGIL_REPORT_CRON: when the periodic report is posted to every alert channel (five-field cron, node-cron syntax);
 * `off` turns it off. Each report covers the time since the schedule's previous fire.
 */
const reportCron = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const s = (v ?? '').trim();
    if (s.toLowerCase() === 'off') return undefined;
    const expr = s === '' ? DEFAULT_REPORT_CRON : s;
    const fields = expr.split(/\s+/).length;
    const detail = fields !== 5 ? `it has ${fields} field${fields === 1 ? '' : 's'}` : cron.validateDetailed(expr).errors.map((e) => e.message).join('; ');
    if (fields !== 5 || !cron.validate(expr)) {
      ctx.addIssue({ code: 'custom', message: `must be a five-field cron expression such as "${DEFAULT_REPORT_CRON}" (Mondays 08:00), or off (${detail})` });
      return z.NEVER;
    }
    return expr;
  });

export const reportSchema = z
  .object({
    VIGIL_REPORT_CRON: reportCron,
  });
export type ReportEnv = z.infer<typeof reportSchema>;
