import type { ExpectedAlert } from './attacks.js';
import { ipFor, place, utcOffsetHours, type DemoUser } from './org.js';
import { PLACES } from './places.js';
import type { EventSpec } from './raw-event.js';
import { HOUR, MIN } from './routine.js';

/** What planAttacks lends the token and exfiltration attacks: victim choice, days and event building. */
export interface AttackTools {
  users: DemoUser[];
  /** The next user matching `pred` that no attack has taken (never a token-job owner). */
  find(pred: (u: DemoUser) => boolean): DemoUser | undefined;
  add(day: number, specs: EventSpec[], expected: ExpectedAlert[]): void;
  spec(u: DemoUser, time: number, action: string, message: string, extra?: Partial<EventSpec>): EventSpec;
  /** UTC midnight of day `d`. */
  mid(d: number): number;
  /** The first day at or after the attack period's start + `k` that falls on `weekday` (0 = Sunday). */
  day(k: number, weekday: number): number;
  staff(u: DemoUser): boolean;
}

/** Local `hour` at the user's home on day `d`, as UTC ms. */
export const localTime = (t: AttackTools, u: DemoUser, d: number, hour: number): number => t.mid(d) + (hour - utcOffsetHours(place(u.home))) * HOUR;

/**
 * Stolen API tokens: a token job's token used from a country it never ran from; another from a threat-intel IP
 * (in a country it never used either: both the IP list and token-anomaly fire); a new API token created at home and
 * first used 45 minutes later from another continent (the creation policy and token-anomaly, linked).
 */
export function machineAttacks(t: AttackTools): void {
  const jobs = t.users.filter((u) => u.tokenJob);
  const ciToken = (u: DemoUser) => ({ id: `tok-${u.id.slice(2, 10)}`, label: 'ci-sync' });
  const api = (u: DemoUser, time: number, token: EventSpec['token'], at: { place: EventSpec['place']; ip: string }) =>
    [0, 4, 9].map((m) => t.spec(u, time + m * MIN, 'issue_updated', 'Updated issue', { ...at, token }));

  const brazil = jobs[0];
  if (brazil) {
    const d = t.day(1, 4);
    t.add(d, api(brazil, t.mid(d) + 3 * HOUR, ciToken(brazil), { place: PLACES.saoPaulo, ip: '177.32.60.8' }), [{ detection: 'token-anomaly', actorEmail: brazil.email }]);
  }
  const listed = jobs[1];
  if (listed) {
    const d = t.day(2, 5);
    t.add(d, api(listed, t.mid(d) + 4 * HOUR, ciToken(listed), { place: PLACES.bucharest, ip: '193.142.146.35' }), [
      { detection: 'suspicious-ip', actorEmail: listed.email },
      { detection: 'token-anomaly', actorEmail: listed.email },
    ]);
  }
  const creator = t.find((u) => t.staff(u) && u.jitter.length === 0);
  if (creator) {
    const d = t.day(3, 1);
    const home = place(creator.home);
    const made = localTime(t, creator, d, 14);
    const token = { id: `tok-${creator.id.slice(12, 20)}`, label: 'deploy-bot' };
    t.add(
      d,
      [
        t.spec(creator, made, 'api_token_created', 'Created API token deploy-bot', { place: home, ip: ipFor(creator, home) }),
        ...api(creator, made + 45 * MIN, token, { place: PLACES.singapore, ip: '116.86.77.5' }),
      ],
      [
        { detection: 'policy:api-key-created', actorEmail: creator.email },
        { detection: 'token-anomaly', actorEmail: creator.email },
      ],
    );
  }
}
