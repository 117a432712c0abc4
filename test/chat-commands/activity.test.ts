import { describe, expect, it } from 'vitest';
import { classifyAction, summarizeActivity } from '../../src/chat-commands/index.js';
import type { Alert } from '../../src/domain/index.js';
import type { ActivityItem, UserActivity } from '../../src/store/activity.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 21, 12);
const item = (id: string, ageDays: number, action: string, over: Partial<ActivityItem> = {}): ActivityItem => ({ id, t: NOW - ageDays * DAY, action, interactive: true, ...over });

const activity: UserActivity = {
  accountId: 'acc-alice',
  email: 'alice@example.com',
  items: [
    item('1', 1, 'user_login', { country: 'Germany', ip: '203.0.113.7' }),
    item('2', 2, 'user_login', { country: 'Germany', ip: '203.0.113.7' }),
    item('3', 3, 'user_login', { country: 'Brazil', ip: '198.51.100.9' }),
    item('4', 10, 'user_login', { country: 'France', ip: '192.0.2.1' }), // outside 7 days
    item('5', 0.5, 'user_logged_in_as_user', { target: 'bob@example.com' }),
    item('6', 0.2, 'added_org_admin', { target: 'mallory@example.com' }),
    item('7', 0.1, 'issue_viewed'),
  ],
};
const alert = (id: string, status: Alert['status'], actorId = 'acc-alice'): Alert => ({
  id, detection: 'anonymous-ip', severity: 'medium', title: id, summary: '', actor: { id: actorId }, eventIds: [], count: 1, firstSeen: NOW - DAY, lastSeen: NOW - DAY, evidence: [], facts: {}, mitre: [], status, revision: 1,
});

describe('activity summary', () => {
  it('classifies sign-ins, impersonations and admin actions (and leaves ordinary activity alone)', () => {
    expect(classifyAction('user_login')).toBe('sign-in');
    expect(classifyAction('user_logged_in_as_user')).toBe('impersonation');
    expect(classifyAction('added_org_admin')).toBe('admin');
    expect(classifyAction('twosv_disabled_for_user')).toBe('admin');
    expect(classifyAction('user_granted_role')).toBe('admin');
    expect(classifyAction('user_logout')).toBe('other');
    expect(classifyAction('issue_viewed')).toBe('other');
    expect(classifyAction('page_created')).toBe('other');
  });

  it('counts sign-ins by country and IP inside the period, lists admin actions, impersonations and open alerts', () => {
    const r = summarizeActivity({ who: 'alice@example.com', activity, alerts: [alert('a1', 'open'), alert('a2', 'dismissed'), alert('a3', 'open', 'acc-other')], days: 7, now: NOW });
    expect(r.found).toBe(true);
    expect(r.total).toBe(6);
    expect(r.signIns.total).toBe(3);
    expect(r.signIns.byCountry.map((c) => [c.key, c.count])).toEqual([['Germany', 2], ['Brazil', 1]]);
    expect(r.signIns.byIp.map((c) => c.key)).toEqual(['203.0.113.7', '198.51.100.9']);
    expect(r.impersonations.map((i) => i.target)).toEqual(['bob@example.com']);
    expect(r.admin.map((i) => i.action)).toEqual(['added_org_admin']);
    expect(r.openAlerts.map((a) => a.id)).toEqual(['a1']);
  });

  it('a shorter period drops older events; an unknown user is reported as not found', () => {
    expect(summarizeActivity({ who: 'a', activity, alerts: [], days: 1, now: NOW }).signIns.total).toBe(1);
    const none = summarizeActivity({ who: 'nobody@example.com', activity: undefined, alerts: [], days: 7, now: NOW });
    expect(none).toMatchObject({ found: false, total: 0, openAlerts: [] });
  });
});
