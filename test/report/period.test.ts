import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/domain/errors.js';
import { firesBefore, reportPeriod } from '../../src/runtime/report-period.js';

// node-cron fires in local time; these dates are UTC, so the test runs in UTC.
process.env.TZ = 'UTC';
const at = (s: string) => Date.parse(`${s}Z`);

describe('the report period', () => {
  it('weekly: from the Monday before the latest fire to that fire', () => {
    expect(reportPeriod('0 8 * * 1', at('2026-12-02T05:00'))).toEqual({ from: at('2026-11-23T08:00'), to: at('2026-11-30T08:00') });
    // At the fire itself the period that just ended is reported; a minute before, the one before it.
    expect(reportPeriod('0 8 * * 1', at('2026-11-30T08:00'))?.to).toBe(at('2026-11-30T08:00'));
    expect(reportPeriod('0 8 * * 1', at('2026-11-30T07:59'))?.to).toBe(at('2026-11-23T08:00'));
  });

  it('daily, monthly and several fires a day', () => {
    expect(reportPeriod('30 6 * * *', at('2026-12-02T05:00'))).toEqual({ from: at('2026-11-30T06:30'), to: at('2026-12-01T06:30') });
    expect(reportPeriod('0 9 1 * *', at('2026-12-02T05:00'))).toEqual({ from: at('2026-11-01T09:00'), to: at('2026-12-01T09:00') });
    expect(firesBefore('0 8,17 * * 1-5', at('2026-12-02T12:00'), 3)).toEqual([at('2026-12-02T08:00'), at('2026-12-01T17:00'), at('2026-12-01T08:00')]);
  });

  it('a schedule that has not fired in two months has no period', () => {
    expect(reportPeriod('0 8 29 2 *', at('2026-12-02T05:00'))).toBeUndefined();
  });
});

describe('VIGIL_REPORT_CRON', () => {
  const load = (v?: string) => loadConfig({ VIGIL_STORE_URL: 'memory://', ...(v === undefined ? {} : { VIGIL_REPORT_CRON: v }) }).report.VIGIL_REPORT_CRON;

  it('defaults to Mondays 08:00; off turns the report off', () => {
    expect(load()).toBe('0 8 * * 1');
    expect(load('')).toBe('0 8 * * 1');
    expect(load(' OFF ')).toBeUndefined();
    expect(load('0 7 * * 1-5')).toBe('0 7 * * 1-5');
  });

  it('a bad expression is named with what is wrong', () => {
    const problem = (v: string) => {
      try {
        load(v);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
      throw new Error(`"${v}" was accepted`);
    };
    expect(problem('0 25 * * 1')).toContain('VIGIL_REPORT_CRON: must be a five-field cron expression such as "0 8 * * 1" (Mondays 08:00), or off (25 is a invalid expression for hour)');
    expect(problem('0 0 8 * * 1')).toContain('(it has 6 fields)');
    expect(problem('weekly')).toContain('(it has 1 field)');
  });
});
