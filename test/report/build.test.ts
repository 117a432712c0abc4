import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/report/build.js';
import { durationStat } from '../../src/report/stats.js';
import { formatReportText } from '../../src/report/text.js';
import { tuningFor } from '../../src/report/tuning.js';
import { makeAlert } from '../fixtures/alert.js';
import { MIN, PERIOD, reportItems } from './fixtures.js';

const report = () => buildReport({ period: PERIOD, items: reportItems(), sensitivityOf: () => 'medium', policyFile: './policy.yaml' });

describe('the report builder', () => {
  it('counts the alerts raised in the period by severity, outcome and detection', () => {
    const r = report();
    // old-1 (the day before) and next-1 (raised exactly at the end) are outside [from, to).
    expect(r.total).toBe(10);
    expect(r.bySeverity).toEqual({ critical: 0, high: 3, medium: 7, low: 0 });
    expect(r.outcomes).toEqual({
      open: 2, // ic-4, ps-1
      acknowledged: 2, // fl-1 (owner only), an-1 (assigned)
      resolved: 2,
      resolvedBy: { suspend: 1, 'revoke-sessions': 1, other: 0 },
      dismissed: 4,
      dismissedBy: { 'false-positive': 2, benign: 1, duplicate: 1, other: 0, unspecified: 0 },
    });
    expect(r.byDetection.map((d) => [d.detection, d.total, d.open, d.acknowledged, d.resolved, d.dismissed])).toEqual([
      ['infrequent-country', 4, 1, 0, 0, 3],
      ['failed-logins', 2, 0, 1, 0, 1],
      ['impossible-travel', 2, 0, 0, 2, 0],
      ['anonymous-ip', 1, 0, 1, 0, 0],
      ['password-spray', 1, 1, 0, 0, 0],
    ]);
  });

  it('measures time to acknowledge and to act from when each alert was raised (median, nearest-rank p90)', () => {
    const r = report();
    // First response (acknowledge, assign, owner, or an action done), minutes after raised:
    // it-1 5 (ack), it-2 45 (revoke; the failed notify does not count), ic-1 10, ic-2 30, ic-3 120 (dismiss),
    // fl-1 8 (owner.at), fl-2 3 (dismiss), an-1 15 (assign). Sorted 3 5 8 10 15 30 45 120:
    // median (10 + 15) / 2 = 12.5 min; p90 = the ceil(0.9 × 8) = 8th value = 120 min.
    expect(r.timeToAcknowledge).toEqual({ count: 8, of: 10, medianMs: 12.5 * MIN, p90Ms: 120 * MIN });
    // First action done: it-1 20, it-2 45, ic-1 10, ic-2 30, ic-3 120, fl-2 3, an-1 50 (notify).
    // Sorted 3 10 20 30 45 50 120: median 30; p90 = the ceil(6.3) = 7th = 120.
    expect(r.timeToAct).toEqual({ count: 7, of: 10, medianMs: 30 * MIN, p90Ms: 120 * MIN });
  });

  it('lists the users with most alerts (an IP subject is not a user)', () => {
    expect(report().topUsers).toEqual([
      { id: 'acc-bob', label: 'bob@example.com', alerts: 3, detections: ['infrequent-country'] },
      { id: 'acc-dana', label: 'dana@example.com', alerts: 3, detections: ['anonymous-ip', 'impossible-travel'] },
      { id: 'acc-erin', label: 'erin@example.com', alerts: 2, detections: ['failed-logins'] },
      { id: 'acc-carol', label: 'carol@example.com', alerts: 1, detections: ['infrequent-country'] },
    ]);
  });

  it('names the noisy detection with the settings that would quiet it', () => {
    const r = report();
    // infrequent-country: 3 of 4 dismissed as false positive or benign. failed-logins has only 2 alerts; the
    // duplicate dismissal is not noise of the rule.
    expect(r.noisy).toEqual([
      {
        detection: 'infrequent-country',
        alerts: 4,
        noise: 3,
        share: 0.75,
        tuning: [
          { where: 'policy-file', setting: 'detections.infrequent-country.exclude.users', value: '[bob@example.com]', why: expect.any(String) },
          { where: 'env', setting: 'VIGIL_TRUSTED_NETWORKS', value: '198.51.100.20', why: expect.any(String) },
          { where: 'policy-file', setting: 'detections.infrequent-country.sensitivity', value: 'low', why: expect.stringContaining('now medium') },
        ],
      },
    ]);
    expect(r.policyFile).toBe('./policy.yaml');
  });

  it('suggests an IP exclusion for a list detection, nothing past low, and turning off as the last resort', () => {
    const noise = [1, 2].map((i) => makeAlert({ id: `an-${i}`, detection: 'anonymous-ip', actor: { id: `acc-${i}`, email: `u${i}@example.com` }, facts: { ip: '185.220.101.47' } }));
    expect(tuningFor('anonymous-ip', noise, { sensitivityOf: () => 'medium' }).map((t) => `${t.setting}: ${t.value}`)).toEqual(['detections.anonymous-ip.exclude.ips: [185.220.101.47]']);
    const spread = [1, 2].map((i) => makeAlert({ id: `ua-${i}`, detection: 'unusual-admin', actor: { id: `acc-${i}` }, facts: {} }));
    expect(tuningFor('unusual-admin', spread, { sensitivityOf: () => 'low' }).map((t) => `${t.setting}: ${t.value}`)).toEqual(['detections.unusual-admin.enabled: false']);
    // An id the policy file does not accept gets no policy-file suggestion.
    expect(tuningFor('guard-detect', spread, { sensitivityOf: () => 'medium' })).toEqual([]);
  });

  it('an empty period is a report with zeros, and says so in text', () => {
    const r = buildReport({ period: { from: PERIOD.to + 7 * 86_400_000, to: PERIOD.to + 14 * 86_400_000 }, items: reportItems() });
    expect(r.total).toBe(0);
    expect(r.timeToAcknowledge).toEqual({ count: 0, of: 0 });
    expect(r.byDetection).toEqual([]);
    expect(r.noisy).toEqual([]);
    expect(formatReportText(r)).toBe('Vigil report · 2026-12-07 08:00 → 2026-12-14 08:00 UTC\nNo alerts were raised in this period.\n');
  });

  it('median and p90 of one and of an odd count', () => {
    expect(durationStat([7], 3)).toEqual({ count: 1, of: 3, medianMs: 7, p90Ms: 7 });
    expect(durationStat([50, 10, 40, 20, 30, 60, 70, 80, 90, 100, 110], 11)).toEqual({ count: 11, of: 11, medianMs: 60, p90Ms: 100 });
  });

  it('shows control characters in names instead of obeying them', () => {
    const items = reportItems().map((i) => (i.alert.id === 'ic-4' ? { ...i, alert: { ...i.alert, actor: { id: 'acc-x', email: 'x\u001b[31m@example.com' } } } : i));
    const text = formatReportText(buildReport({ period: PERIOD, items }));
    expect(text).not.toContain('\u001b');
    expect(text).toContain('x\\e[31m@example.com');
  });
});
