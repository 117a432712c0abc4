import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../fixtures/golden.js';
import { renderAlertCard } from '../../../src/channels/teams/card.js';
import { TeamsCard, assertTeamsCard } from './card-schema.js';
import { adaptiveCardProblems, outcome, sampleView } from './fixtures.js';
import { TEAMS_T0 } from '../../fixtures/alert.js';

const T = TEAMS_T0 - 40 * 60_000;
const MIN = 60_000;
const RESPONDER_ID = '00000000-0000-0000-0000-00000000a11c';
const OTHER_ID = '00000000-0000-0000-0000-000000000b0b';
const ASSIGNEES = [
  { id: RESPONDER_ID, name: 'Alice Admin' },
  { id: OTHER_ID, name: 'Entra user 00000000…' },
];

const golden = (name: string, value: unknown) => expectGolden(new URL('./golden/', import.meta.url), name, value);

type J = Record<string, any>;
const flatActions = (card: J): J[] => {
  const out: J[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as J;
    if (typeof n.type === 'string' && n.type.startsWith('Action.')) out.push(n);
    for (const v of Object.values(n)) walk(v);
  };
  walk(card.body);
  return out;
};
const verbs = (card: J) => flatActions(card).filter((a) => a.type === 'Action.Execute').map((a) => a.verb);

const cases = {
  open: sampleView(),
  'in-progress': sampleView({}, { status: 'in-progress' }),
  'actioned-suspended': sampleView({ outcomes: [outcome('notify', 'done'), outcome('suspend', 'done', { at: Date.UTC(2026, 10, 21, 14, 9) })] }, { status: 'actioned' }),
  'dry-run': sampleView({ dryRun: true, outcomes: [outcome('revoke-sessions', 'dry-run', { message: 'dry run: nothing was changed' })] }),
  dismissed: sampleView({ outcomes: [outcome('dismiss', 'done', { message: 'false-positive: travelling with a VPN' })] }, { status: 'dismissed' }),
  acknowledged: sampleView({}, { status: 'acknowledged', owner: { who: { platform: 'teams', id: RESPONDER_ID, name: 'Alice Admin', entraId: RESPONDER_ID }, at: T + 5 * MIN } }),
  assigned: sampleView({}, {
    status: 'acknowledged',
    owner: { who: { platform: 'teams', id: OTHER_ID, entraId: OTHER_ID }, at: T + 9 * MIN, assignedBy: { platform: 'teams', id: RESPONDER_ID, name: 'Alice Admin' } },
  }),
  escalated: sampleView({}, { createdAt: T, escalation: { level: 2, remindedAt: T + 15 * MIN, escalatedAt: T + 30 * MIN } }),
  resolved: sampleView(
    { outcomes: [outcome('revoke-sessions', 'done', { at: T + 20 * MIN })] },
    { status: 'actioned', owner: { who: { platform: 'slack', id: 'U0BOB', name: 'bob' }, at: T + 3 * MIN } },
  ),
};


describe('Teams alert card', () => {
  for (const [name, view] of Object.entries(cases)) {
    it(`${name}: matches the golden card and is valid Adaptive Card 1.5`, () => {
      const card = renderAlertCard(view, { assignees: ASSIGNEES });
      golden(`alert-${name}`, card);
      expect(adaptiveCardProblems(card)).toEqual([]);
      expect(() => assertTeamsCard(card)).not.toThrow();
    });
  }

  it('acknowledge and assign: Acknowledge until someone owns it, Assign… (people picker) while unresolved, owner named', () => {
    const open = renderAlertCard(cases.open, { assignees: ASSIGNEES }) as J;
    const assign = flatActions(open).find((a) => a.type === 'Action.ShowCard' && a.title === 'Assign…')!;
    expect(assign.card.body[0]).toMatchObject({ type: 'Input.ChoiceSet', id: 'assignee', isRequired: true, choices: [{ title: 'Alice Admin', value: RESPONDER_ID }, { title: 'Entra user 00000000…', value: OTHER_ID }] });
    expect(assign.card.actions[0]).toMatchObject({ verb: 'assign', data: { alertId: 'al_impossible_travel_1' } });
    // Nobody to offer (no responder known by id yet): no Assign…, Acknowledge stays.
    expect(verbs(renderAlertCard(cases.open) as J)).toEqual(['acknowledge', 'notify', 'revoke', 'suspend', 'dismiss']);
    const acked = renderAlertCard(cases.acknowledged, { assignees: ASSIGNEES }) as J;
    expect(verbs(acked)).not.toContain('acknowledge');
    expect(verbs(acked)).toContain('assign');
    expect(JSON.stringify(acked)).toContain('👤 **Acknowledged** by Alice Admin since 2026-11-21 13:27 UTC');
    expect(JSON.stringify(renderAlertCard(cases.assigned))).toContain(`👤 **Assigned** to Entra user ${OTHER_ID.slice(0, 8)}… by Alice Admin`);
    expect(JSON.stringify(renderAlertCard(cases.escalated))).toContain('⏰ **Escalated** at 2026-11-21 13:52 UTC: nobody acknowledged it for 30 min');
    const resolved = renderAlertCard(cases.resolved) as J;
    expect(verbs(resolved)).not.toContain('acknowledge');
    expect(verbs(resolved)).not.toContain('assign');
    expect(JSON.stringify(resolved)).toContain('"value":"Resolved"');
  });

  it('open: offers notify, revoke (confirmed), suspend (confirmed with a required reason) and dismiss (with reason)', () => {
    const card = renderAlertCard(cases.open) as J;
    expect(verbs(card)).toEqual(['acknowledge', 'notify', 'revoke', 'suspend', 'dismiss']);
    const showCards = flatActions(card).filter((a) => a.type === 'Action.ShowCard' && a.title !== 'Assign…');
    expect(showCards.map((s) => s.title)).toEqual(['Require re-sign-in', 'Suspend user', 'Dismiss']);
    const suspend = showCards[1]!;
    expect(suspend.card.body.find((b: J) => b.type === 'Input.Text')).toMatchObject({ id: 'reason', isRequired: true });
    expect(suspend.card.actions[0]).toMatchObject({ verb: 'suspend', style: 'destructive', data: { alertId: 'al_impossible_travel_1' } });
    // payloads carry only the alert id and verb
    for (const a of flatActions(card).filter((x) => x.type === 'Action.Execute')) expect(Object.keys(a.data).sort()).toEqual(['alertId', 'verb', 'vigil']);
  });

  it('outcome warnings are shown (sessions outliving the action, on-premises sync)', () => {
    const o = outcome('suspend', 'done', { warnings: ['Atlassian sessions and issued tokens can stay valid for up to an hour.'] });
    expect(JSON.stringify(renderAlertCard(sampleView({ outcomes: [o] }, { status: 'actioned' })))).toContain('⚠️ Atlassian sessions and issued tokens');
  });

  it('an alert about a source IP (password spray) offers only dismiss (same rule as Slack)', () => {
    const card = renderAlertCard(sampleView({}, { detection: 'password-spray', actor: { id: 'ip:105.112.33.7', name: '105.112.33.7' } })) as J;
    expect(verbs(card)).toEqual(['acknowledge', 'dismiss']);
  });

  it('after notify only, the other actions stay available (same rule as Slack)', () => {
    const card = renderAlertCard(sampleView({ outcomes: [outcome('notify', 'done')] }, { status: 'actioned' })) as J;
    expect(verbs(card)).toEqual(['revoke', 'suspend']);
  });

  it('a pending four-eyes approval keeps the suspend button for the second responder', () => {
    const card = renderAlertCard(sampleView({ outcomes: [outcome('suspend', 'pending-approval', { message: 'needs a second responder' })] })) as J;
    expect(verbs(card)).toContain('suspend');
    expect(JSON.stringify(card)).toContain('Waiting for a second responder');
  });

  it('in progress: buttons are shown disabled', () => {
    const card = renderAlertCard(cases['in-progress']) as J;
    const exec = flatActions(card).filter((a) => a.type === 'Action.Execute');
    expect(exec.length).toBe(5);
    expect(exec.every((a) => a.isEnabled === false)).toBe(true);
  });

  it('actioned: outcome line names who acted and when; done actions and dismiss are gone', () => {
    const card = renderAlertCard(cases['actioned-suspended']) as J;
    expect(verbs(card)).toEqual(['revoke']);
    const text = JSON.stringify(card);
    expect(text).toContain('User suspended by Alice Admin at 2026-11-21 14:09 UTC');
    expect(text).toContain('User notified by Alice Admin');
  });

  it('dry run: the card says nothing was changed, distinctly from a real outcome', () => {
    const text = JSON.stringify(renderAlertCard(cases['dry-run']));
    expect(text).toContain('Dry run: response actions are simulated');
    expect(text).toContain('Dry run: nothing was changed (revoke sessions');
    expect(text).not.toContain('Sessions revoked (re-sign-in required) by');
    // the revoke button is gone (already simulated), the others remain
    expect(verbs(renderAlertCard(cases['dry-run']) as J)).toEqual(['acknowledge', 'notify', 'suspend', 'dismiss']);
  });

  it('a failed action keeps its button and says it failed', () => {
    const card = renderAlertCard(sampleView({ outcomes: [outcome('suspend', 'failed')] })) as J;
    expect(JSON.stringify(card)).toContain('Failed: suspend the user');
    expect(verbs(card)).toContain('suspend');
  });

  it('read-only view has no buttons', () => {
    expect(verbs(renderAlertCard(cases.open, { readOnly: true }) as J)).toEqual([]);
  });

  it('neutralises markdown links in untrusted text and truncates long values', () => {
    const view = sampleView({}, { title: 'evil [click](https://phish.example) **now**', summary: 'x'.repeat(5000) });
    const card = renderAlertCard(view) as J;
    const text = JSON.stringify(card);
    expect(text).not.toContain('[click](https');
    const title = card.body[0].items[1].text as string;
    expect(title).toBe('evil [click]\u200B(https://phish.example) *\u200B*now*\u200B*');
    const summary = card.body.find((b: J) => b.type === 'TextBlock' && b.text.startsWith('x'));
    expect(summary.text.length).toBeLessThanOrEqual(2000);
    expect(summary.text.endsWith('…')).toBe(true);
  });

  it('a huge alert still renders within the 80 KB limit and the element subset', () => {
    const evidence = Array.from({ length: 200 }, (_, i) => ({ label: `IP ${i}`, value: 'y'.repeat(1000) }));
    const card = renderAlertCard(sampleView({}, { evidence }));
    expect(TeamsCard.safeParse(card).success).toBe(true);
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain('185 more evidence items');
  });

  it('the validators reject what Teams would not render', () => {
    const bad = renderAlertCard(cases.open) as J;
    bad.body.push({ type: 'Carousel', pages: [] });
    expect(adaptiveCardProblems(bad).join()).toMatch(/Unknown element type "Carousel"/);
    expect(TeamsCard.safeParse(bad).success).toBe(false);
    const noVerb = renderAlertCard(cases.open) as J;
    delete noVerb.body.at(-1).actions[0].verb;
    expect(() => assertTeamsCard(noVerb)).toThrow(/verb|invalid/);
  });
});
