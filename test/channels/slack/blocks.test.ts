import { describe, expect, it } from 'vitest';
import { expectGolden } from '../../fixtures/golden.js';
import { renderAlertCard } from '../../../src/channels/slack/blocks.js';
import { liveActions } from '../../../src/domain/index.js';
import { ACTION } from '../../../src/channels/slack/ids.js';
import { renderDigest, renderSuspendModal } from '../../../src/channels/slack/messages.js';
import { LIMITS, esc, truncate } from '../../../src/channels/slack/text.js';
import { T0, outcome, sampleAlert, sampleView } from './fixtures.js';
import { assertWithinLimits } from './block-limits.js';

const golden = (name: string, value: unknown) => expectGolden(new URL('./golden/', import.meta.url), name, value);

type J = Record<string, any>;
const actionIds = (msg: { blocks: J[] }) => msg.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e: J) => e.action_id));
const allText = (msg: { blocks: J[] }) => JSON.stringify(msg.blocks);

const cases = {
  open: sampleView(),
  'dry-run': sampleView({ dryRun: true, outcomes: [outcome('revoke-sessions', 'dry-run', { message: 'Dry run: would revoke every sign-in session.' })] }),
  'suspended': sampleView({ outcomes: [outcome('notify', 'done'), outcome('suspend', 'done', { message: 'Disabled alice@example.com in Entra ID.' })] }, { status: 'actioned', revision: 3 }),
  'failed': sampleView({ outcomes: [outcome('suspend', 'failed', { message: 'Graph answered 403: the app lacks User.EnableDisableAccount.All' })] }, { revision: 2 }),
  dismissed: sampleView({ outcomes: [outcome('dismiss', 'done', { message: 'Dismissed by alice: False positive' })] }, { status: 'dismissed', revision: 2 }),
  acknowledged: sampleView({}, { status: 'acknowledged', revision: 2, owner: { who: { platform: 'slack', id: 'U0ALICE', name: 'alice' }, at: T0 + 5 * 60_000 } }),
  assigned: sampleView({}, {
    status: 'acknowledged',
    revision: 3,
    owner: { who: { platform: 'slack', id: 'U0BOB', name: 'bob' }, at: T0 + 9 * 60_000, assignedBy: { platform: 'slack', id: 'U0ALICE', name: 'alice' } },
  }),
  escalated: sampleView({}, { revision: 3, createdAt: T0, escalation: { level: 2, remindedAt: T0 + 15 * 60_000, escalatedAt: T0 + 30 * 60_000 } }),
  resolved: sampleView(
    { outcomes: [outcome('revoke-sessions', 'done', { message: 'Every session revoked.' })] },
    { status: 'actioned', revision: 4, owner: { who: { platform: 'teams', id: '29:carol', name: 'Carol Danvers' }, at: T0 + 3 * 60_000 } },
  ),
};

describe('Slack alert card', () => {
  for (const [name, view] of Object.entries(cases)) {
    it(`${name}: matches the golden card and stays within Block Kit limits`, () => {
      const msg = renderAlertCard(view);
      golden(`alert-${name}`, msg);
      assertWithinLimits(msg as never);
    });
  }

  it('open: header has severity and title; fields carry who, detection, when, events and evidence; every control', () => {
    const msg = renderAlertCard(cases.open) as never as { text: string; blocks: J[] };
    expect(msg.blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringContaining('HIGH: alice@example.com: impossible travel') } });
    const fields = msg.blocks.find((b) => b.fields)!.fields.map((f: J) => f.text);
    expect(fields[0]).toContain('Alice Example &lt;alice@example.com&gt;');
    expect(fields[1]).toContain('impossible-travel');
    expect(fields.some((f: string) => f.includes('*Distance*') && f.includes('10,000 km'))).toBe(true);
    expect(allText(msg)).toContain('Runbook');
    expect(allText(msg)).toContain('`/vigil activity alice@example.com`');
    expect(actionIds(msg)).toEqual([ACTION.acknowledge, ACTION.notify, ACTION.revoke, ACTION.suspend, ACTION.assign, ACTION.dismiss]);
    const suspend = msg.blocks.find((b) => b.type === 'actions')!.elements[3];
    expect(suspend).toMatchObject({ style: 'danger', value: 'al_travel_1', confirm: { style: 'danger' } });
    const dismiss = msg.blocks.find((b) => b.type === 'actions')!.elements[5];
    expect(dismiss.options.map((o: J) => o.value)).toEqual(['false-positive|al_travel_1', 'benign|al_travel_1', 'duplicate|al_travel_1', 'other|al_travel_1']);
    expect(msg.text).toBe('🟠 [HIGH] alice@example.com: impossible travel Berlin → São Paulo');
  });

  it('acknowledged and assigned: the card names the owner and since when; Acknowledge is gone, Assign… stays', () => {
    const acked = renderAlertCard(cases.acknowledged) as never as { blocks: J[] };
    expect(allText(acked)).toContain('👤 *Acknowledged* by <@U0ALICE> since <!date^');
    expect(allText(acked)).toContain('Status: *Acknowledged*');
    expect(actionIds(acked)).not.toContain(ACTION.acknowledge);
    expect(actionIds(acked)).toContain(ACTION.assign);
    const assigned = renderAlertCard(cases.assigned) as never as { blocks: J[] };
    expect(allText(assigned)).toContain('👤 *Assigned* to <@U0BOB> by <@U0ALICE>');
    // A responder from Teams is named, never turned into a Slack mention.
    expect(allText(renderAlertCard(cases.resolved))).toContain('*Acknowledged* by Carol Danvers');
  });

  it('escalated: says when and for how long nobody acknowledged it; resolved and dismissed cards cannot be owned', () => {
    const esc = renderAlertCard(cases.escalated) as never as { blocks: J[] };
    expect(allText(esc)).toContain('⏰ *Escalated* at <!date^');
    expect(allText(esc)).toContain('nobody acknowledged it for 30 min');
    expect(actionIds(esc)).toContain(ACTION.acknowledge);
    const resolved = renderAlertCard(cases.resolved) as never as { blocks: J[] };
    expect(allText(resolved)).toContain('Status: *Resolved*');
    expect(actionIds(resolved)).not.toContain(ACTION.acknowledge);
    expect(actionIds(resolved)).not.toContain(ACTION.assign);
    expect(actionIds(renderAlertCard(cases.dismissed) as never)).toEqual([]);
  });

  it('removes the buttons that no longer apply and says who did what', () => {
    const suspended = renderAlertCard(cases.suspended) as never as { blocks: J[] };
    expect(actionIds(suspended)).toEqual([ACTION.revoke]);
    expect(allText(suspended)).toContain('*Suspended* by <@U0ALICE>');
    expect(actionIds(renderAlertCard(cases.dismissed) as never)).toEqual([]);
    // A failure keeps the button (retry) and says what to do.
    const failed = renderAlertCard(cases.failed) as never as { blocks: J[] };
    expect(actionIds(failed)).toContain(ACTION.suspend);
    expect(allText(failed)).toContain('*failed*');
    expect(allText(failed)).toContain('Press the button again to retry');
    // Four-eyes: a pending approval keeps Suspend for the second responder.
    expect(liveActions(sampleView({ outcomes: [outcome('suspend', 'pending-approval')] }))).toContain('suspend');
  });

  it('an alert about a source IP (password spray) offers only dismiss: nobody to notify, sign out or suspend', () => {
    const ipAlert = renderAlertCard(sampleView({}, { detection: 'password-spray', actor: { id: 'ip:105.112.33.7', name: '105.112.33.7' } })) as never as { blocks: J[] };
    expect(actionIds(ipAlert)).not.toContain(ACTION.notify);
    expect(actionIds(ipAlert)).not.toContain(ACTION.revoke);
    expect(actionIds(ipAlert)).not.toContain(ACTION.suspend);
    expect(liveActions(sampleView({}, { actor: { id: 'ip:105.112.33.7', name: '105.112.33.7' } }))).toEqual(['dismiss']);
    // A person's alert keeps every action.
    expect(liveActions(sampleView())).toEqual(['notify', 'revoke-sessions', 'suspend', 'dismiss']);
  });

  it('shows the user\'s answer to "Was this you?"', () => {
    const no = renderAlertCard(sampleView({}, { facts: { userAnswer: { answer: 'no', by: { platform: 'slack', id: 'U0X' }, at: 1795269720000 } } }));
    expect(JSON.stringify(no.blocks)).toContain('The user answered *NO, it was not me*');
    expect(JSON.stringify(renderAlertCard(sampleView()).blocks)).not.toContain('The user answered');
  });

  it('dry run: never claims an action happened', () => {
    const msg = renderAlertCard(cases['dry-run']) as never as { blocks: J[]; text: string };
    const text = allText(msg);
    expect(text).toContain('dry run: nothing was changed');
    expect(text).not.toContain('Re-sign-in required*');
    expect(text).toContain('Suspend user (dry run)');
    expect(actionIds(msg)).not.toContain(ACTION.revoke);
  });

  it('escapes user-controlled text: no mentions, links or channel pings get through', () => {
    const evil = sampleView({}, {
      title: '<!channel> pwned <https://evil.example|click> & more',
      summary: '<@U0ADMIN> <!here> *bold*',
      actor: { id: '557058:x', email: 'x@example.com', name: '<!everyone>' },
      evidence: [{ label: '<b>', value: '<https://evil.example>' }],
    });
    const msg = renderAlertCard(evil);
    // mrkdwn texts and the fallback are parsed by Slack; plain_text (the header) is shown literally.
    const mrkdwn: string[] = [msg.text];
    JSON.stringify(msg.blocks, (_k, v) => {
      if (v && typeof v === 'object' && (v as J).type === 'mrkdwn') mrkdwn.push((v as J).text);
      return v;
    });
    const text = mrkdwn.join('\n');
    expect(mrkdwn.length).toBeGreaterThan(5);
    expect(text).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U0ADMIN>|<https:\/\/evil/);
    expect(text).toContain('&lt;!here&gt;');
  });

  it('truncates huge values to the limits (and never cuts an escape in half)', () => {
    const big = 'x'.repeat(10_000);
    const view = sampleView({}, {
      title: big,
      summary: '<'.repeat(5000),
      runbook: big,
      evidence: Array.from({ length: 30 }, (_, i) => ({ label: `L${i} ${big}`, value: `<${big}` })),
    });
    const msg = renderAlertCard(view) as never as { text: string; blocks: J[] };
    assertWithinLimits(msg);
    const summary = msg.blocks[1]!.text.text as string;
    expect(summary.endsWith('…')).toBe(true);
    expect(summary).toMatch(/^(&lt;)+…$/);
  });

  it('text helpers: truncate keeps surrogate pairs whole; esc fits the budget', () => {
    expect(truncate('😀😀😀', 4)).toBe('😀…');
    expect(esc('a<b', 3)).toBe('a…');
    expect(esc('a<b', 10)).toBe('a&lt;b');
  });

  it('a new revision gets new block ids (Slack asks for that on update)', () => {
    const a = renderAlertCard(sampleView()) as never as { blocks: J[] };
    const b = renderAlertCard(sampleView({}, { revision: 2 })) as never as { blocks: J[] };
    expect(a.blocks[0]!.block_id).not.toBe(b.blocks[0]!.block_id);
  });
});

describe('digest and modal', () => {
  it('digest lists every alert and stays within limits even for a large storm', () => {
    const views = Array.from({ length: 200 }, (_, i) => sampleView({}, { id: `al_${i}`, title: `user${i}@example.com: anonymous IP`, severity: i % 2 ? 'medium' : 'high' }));
    const msg = renderDigest(views) as never as { text: string; blocks: J[] };
    assertWithinLimits(msg);
    expect(msg.text).toBe('200 new alerts: 🟠 100 high · 🟡 100 medium');
    expect(allText(msg)).toContain('more');
    golden('digest-3', renderDigest(views.slice(0, 3)));
  });

  it('suspend modal carries the card location and asks for a reason', () => {
    const view = renderSuspendModal(sampleAlert(), { alertId: 'al_travel_1', channel: 'C1', ts: '1.2', threadTs: '1.2' }, true);
    expect(JSON.parse(view.private_metadata!)).toEqual({ alertId: 'al_travel_1', channel: 'C1', ts: '1.2', threadTs: '1.2' });
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(view.submit!.text).toBe('Suspend (dry run)');
    expect(JSON.stringify(view.blocks)).toContain('"type":"input"');
  });
});
