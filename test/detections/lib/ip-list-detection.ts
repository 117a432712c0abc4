import { describe, expect, it } from 'vitest';
import type { NormalizedEvent } from '../../../src/domain/index.js';
import { run, runInArrivalOrder } from '../helpers.js';
import { AFTER, HOUR, P, T0, ev, history } from '../../fixtures/event.js';

/**
 * The one suite for the detections built on src/detections/lib/ip-list-detection.ts (anonymous-ip,
 * suspicious-ip): each detection's own test file runs it with its id and the intel field its lists fill.
 */
export function ipListDetectionSuite(id: 'anonymous-ip' | 'suspicious-ip', intel: NonNullable<NormalizedEvent['intel']>, listName: string): void {
  const only = [id];
  const hit = (time: number, extra: Partial<Parameters<typeof ev>[0]> = {}) => ev({ time, at: P.berlin, ip: '185.220.101.47', intel, ...extra });

  describe(id, () => {
    it('alerts on interactive activity from a listed IP, naming the IP and the list', () => {
      const { alerts } = run([...history('alice', P.berlin), hit(AFTER)], { only });
      expect(alerts).toHaveLength(1);
      const e = Object.fromEntries(alerts[0]!.evidence.map((x) => [x.label, x.value]));
      expect(e).toMatchObject({ IP: '185.220.101.47', 'On list': listName, Location: 'Berlin, Germany', Activity: 'user_login' });
      expect(alerts[0]!.facts).toMatchObject({ ip: '185.220.101.47', lists: [listName] });
    });

    it('stays quiet for unlisted IPs, the system actor, failed logins and trusted networks', () => {
      expect(run([ev({ time: AFTER, at: P.berlin })], { only }).alerts).toHaveLength(0);
      const system = hit(AFTER, { token: true });
      expect(run([{ ...system, actor: { ...system.actor, id: 'atlassian-internal-system', name: 'Atlassian Internal System' } }], { only }).alerts).toHaveLength(0);
      expect(run([hit(AFTER, { token: true, action: 'user_login_failed' })], { only }).alerts).toHaveLength(0);
      expect(run([hit(AFTER, { action: 'user_login_failed', interactive: false })], { only }).alerts).toHaveLength(0);
      expect(run([hit(AFTER, { actionName: 'Login failed' })], { only }).alerts).toHaveLength(0);
      expect(run([hit(AFTER, { intel: { ...intel, trusted: true } })], { only }).alerts).toHaveLength(0);
    });

    it('applies to API-token and app use too, naming the token or app (a stolen token is the likeliest compromise)', () => {
      const token = run([hit(AFTER, { token: true })], { only }).alerts;
      expect(token).toHaveLength(1);
      expect(token[0]!.title).toContain('alice@example.com with API token ci (t1)');
      expect(token[0]!.evidence.find((x) => x.label === 'API token')!.value).toBe('API token ci (t1)');
      expect(token[0]!.facts).toMatchObject({ machine: 'token:t1' });
      const base = hit(AFTER, { interactive: false });
      const app = { ...base, actor: { id: 'app-rovo', name: 'Rovo agent', onBehalfOf: { id: 'acc-alice', email: 'alice@example.com' } } };
      const alerts = run([app], { only }).alerts;
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.evidence.find((x) => x.label === 'App')!.value).toBe('app Rovo agent acting for alice@example.com');
      expect(alerts[0]!.facts).toMatchObject({ machine: 'app:app-rovo' });
    });

    it('behaves the same at every sensitivity (the list decides)', () => {
      for (const sensitivity of ['low', 'medium', 'high'] as const) {
        expect(run([hit(AFTER)], { only, sensitivity }).alerts).toHaveLength(1);
        expect(run([ev({ time: AFTER, at: P.berlin })], { only, sensitivity }).alerts).toHaveLength(0);
      }
    });

    it('honours user, IP and site exclusions and per-detection enable', () => {
      const e = hit(AFTER, { site: 'acme.atlassian.net' });
      expect(run([e], { only, exclude: { users: ['alice@example.com'] } }).alerts).toHaveLength(0);
      expect(run([e], { only, overrides: { [id]: { excludeIps: ['185.220.100.0/22'] } } }).alerts).toHaveLength(0);
      expect(run([e], { only, overrides: { [id]: { excludeSites: ['acme.atlassian.net'] } } }).alerts).toHaveLength(0);
      expect(run([e], { only, overrides: { [id]: { enabled: false } } }).alerts).toHaveLength(0);
      expect(run([e], { only, overrides: { 'impossible-travel': { enabled: false } } }).alerts).toHaveLength(1);
    });

    it('needs no baseline: it fires during the learning period', () => {
      expect(run([hit(T0)], { only }).alerts).toHaveLength(1);
    });

    it('deduplicates per actor: a session of listed activity is one growing alert; another user gets their own', () => {
      const { alerts } = run([hit(AFTER), hit(AFTER + HOUR), hit(AFTER + 2 * HOUR), hit(AFTER, { actor: 'bob' })], { only });
      expect(alerts).toHaveLength(2);
      expect(alerts.find((a) => a.actor.email === 'alice@example.com')!.count).toBe(3);
      // Two days later is a new alert.
      expect(run([hit(AFTER), hit(AFTER + 2 * 24 * HOUR)], { only }).alerts).toHaveLength(2);
    });

    it('a late-processed event joins the open alert of its time window', () => {
      const first = hit(AFTER + 2 * HOUR);
      const late = hit(AFTER + HOUR);
      const alerts = runInArrivalOrder([first, ev({ time: AFTER + 3 * HOUR, at: P.berlin }), late], { only });
      expect(alerts).toHaveLength(1);
      expect(alerts[0]!.count).toBe(2);
      expect(alerts[0]!.firstSeen).toBe(late.time);
    });
  });
}
