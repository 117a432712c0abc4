import { describe, expect, it } from 'vitest';
import { renderReportMessage } from '../../src/channels/slack/report.js';
import { LIMITS } from '../../src/channels/slack/text.js';
import { renderReportCard } from '../../src/channels/teams/report-card.js';
import { buildReport } from '../../src/report/build.js';
import type { Report } from '../../src/report/model.js';
import { expectGolden } from '../fixtures/golden.js';
import { assertTeamsCard } from '../channels/teams/card-schema.js';
import { adaptiveCardProblems } from '../channels/teams/fixtures.js';
import { PERIOD, reportItems } from './fixtures.js';

const golden = (name: string, value: unknown) => expectGolden(new URL('./golden/', import.meta.url), name, value);
type J = Record<string, any>;

const week = (): Report => buildReport({ period: PERIOD, items: reportItems(), sensitivityOf: () => 'medium', scope: '#sec-alerts' });
const empty = (): Report => buildReport({ period: { from: PERIOD.to, to: PERIOD.to + 7 * 86_400_000 }, items: [], scope: '#sec-alerts' });

/** A report whose every outside string is hostile and long, with more detections and users than fit. */
function hostile(): Report {
  const r = week();
  const evil = `<!channel> <@U123> *bold* [click](https://evil.example) & ${'x'.repeat(4000)}`;
  const rows = Array.from({ length: 60 }, (_, i) => ({ detection: `policy:${evil.slice(0, 40)}-${i}`, total: 60 - i, open: 1, acknowledged: 0, resolved: 0, dismissed: 59 - i }));
  return {
    ...r,
    scope: evil,
    byDetection: rows,
    topUsers: Array.from({ length: 5 }, (_, i) => ({ id: `u${i}`, label: `${evil}${i}`, alerts: 9, detections: rows.map((d) => d.detection) })),
    noisy: rows.slice(0, 8).map((d) => ({ detection: d.detection, alerts: d.total, noise: d.dismissed, share: d.dismissed / d.total, tuning: [{ where: 'policy-file', setting: `detections.${d.detection}.exclude.users`, value: `[${evil}]`, why: evil }] })),
  };
}

function assertSlackLimits(msg: { text: string; blocks: J[] }) {
  expect(msg.text.length).toBeGreaterThan(0);
  expect(msg.text.length).toBeLessThanOrEqual(LIMITS.fallback);
  expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  for (const b of msg.blocks) {
    expect(['header', 'context', 'section', 'divider']).toContain(b.type);
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.header);
    if (b.type === 'context') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
      for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(LIMITS.contextText);
    }
    if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.type === 'section' && b.fields) {
      expect(b.fields.length).toBeLessThanOrEqual(LIMITS.fields);
      for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
  }
}

function assertTeams(card: unknown) {
  assertTeamsCard(card);
  expect(adaptiveCardProblems(card)).toEqual([]);
}

describe('the report in Slack', () => {
  it('a week (golden), within Block Kit limits', () => {
    const msg = renderReportMessage(week());
    assertSlackLimits(msg);
    golden('slack-week', msg);
    expect(msg.text).toBe('Vigil report 2026-11-23 08:00 → 2026-11-30 08:00 UTC · #sec-alerts: 10 alerts, 2 open');
  });

  it('an empty period (golden)', () => {
    const msg = renderReportMessage(empty());
    assertSlackLimits(msg);
    golden('slack-empty', msg);
  });

  it('hostile, oversized text stays escaped and within limits', () => {
    const msg = renderReportMessage(hostile());
    assertSlackLimits(msg);
    const all = JSON.stringify(msg.blocks);
    expect(all).not.toContain('<!channel>');
    expect(all).not.toContain('<@U123>');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('…and 45 more detections');
  });
});

describe('the report in Teams', () => {
  it('a week (golden): Adaptive Card 1.5 by the schema and the parser', () => {
    const card = renderReportCard(week());
    assertTeams(card);
    golden('teams-week', card);
  });

  it('an empty period (golden)', () => {
    const card = renderReportCard(empty());
    assertTeams(card);
    golden('teams-empty', card);
  });

  it('hostile, oversized text: links broken, within the card limits', () => {
    const card = renderReportCard(hostile());
    assertTeams(card);
    expect(JSON.stringify(card)).not.toContain('](https://evil.example)');
  });
});
