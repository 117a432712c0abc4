import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_START, createDemoOrg } from '../../src/demo/generate.js';
import type { DemoUser } from '../../src/demo/org.js';
import { PLACES } from '../../src/demo/places.js';
import { createRng } from '../../src/demo/prng.js';
import { rawEvent, type RawDemoEvent } from '../../src/demo/raw-event.js';
import type { Alert } from '../../src/domain/index.js';
import { demoEnricher, normalizeAll, summary, sweepAll } from '../demo/helpers.js';

const MIN = 60_000;
const DAY = 86_400_000;

/**
 * The demo org's month (seed 42, 40 people, its own planted attacks) with a password spray followed by one
 * successful sign-in and a distributed brute force added on day 27. The complete list of alerts is stated: the
 * two new detections find exactly these attacks and nothing in the org's ordinary month (mistyped passwords,
 * offices, travellers), and the attacks raise nothing else.
 */
describe('scenario: a demo month with a password spray and a distributed brute force', () => {
  let alerts: Alert[];
  let expected: string[];
  let sprayIp: string;
  let victim: DemoUser;
  let target: DemoUser;
  const at = (sensitivity: 'low' | 'medium' | 'high') => summary(sweepAll(events, sensitivity).alerts);
  let events: Parameters<typeof sweepAll>[0];

  beforeAll(async () => {
    const org = createDemoOrg({ seed: 42 });
    const base = [...org.events()];
    const day = DEFAULT_START + 27 * DAY; // a Sunday night: 02:00 UTC
    const people = org.users.filter((u) => u.role === 'staff' && !u.tokenJob && u.away.length === 0);
    victim = people.find((u) => u.home === 'berlin')!;
    target = people.find((u) => u.id !== victim.id)!;
    const sprayed = [victim, ...people.filter((u) => u.id !== victim.id && u.id !== target.id).slice(0, 11)];
    // The sprayer uses a residential proxy in the victim's own country: the sign-in raises no travel alert.
    const proxy = PLACES[victim.home];
    sprayIp = `${proxy.ipPrefix}.250.250`;
    const rng = createRng(2026);
    const t0 = day + 2 * 3_600_000;
    const extra: RawDemoEvent[] = [
      ...sprayed.map((u, i) =>
        rawEvent(rng, { time: t0 + i * 3 * MIN, delay: 5_000, action: 'user_login_failed', message: 'Login failed', actor: u, place: proxy, ip: sprayIp }),
      ),
      rawEvent(rng, { time: t0 + 45 * MIN, delay: 5_000, action: 'user_login', message: 'Logged in to account', actor: victim, place: proxy, ip: sprayIp }),
      // A botnet: one account, twelve countries' addresses, one failure each over 90 minutes.
      ...Object.values(PLACES)
        .slice(0, 12)
        .map((p, i) => rawEvent(rng, { time: t0 + 3 * 3_600_000 + i * 8 * MIN, delay: 5_000, action: 'user_login_failed', message: 'Login failed', actor: target, place: p, ip: `${p.ipPrefix}.251.${i + 1}` })),
    ];
    const all = [...base, ...extra].sort((a, b) => a.attributes.processedAt.localeCompare(b.attributes.processedAt));
    const enricher = await demoEnricher(org.lists);
    events = normalizeAll(all).map((e) => enricher.enrich(e));
    alerts = sweepAll(events).alerts;
    expected = org.expected.map((x) => `${x.detection} ${x.actorEmail}`);
  });

  it('medium: the planted attacks plus exactly one spray alert (subject: the IP) and one distributed brute force', () => {
    expect(summary(alerts)).toEqual([...expected, `password-spray ip:${sprayIp}`, `distributed-brute-force ${target.email}`].sort());
  });

  it('the spray card lists the twelve accounts and names the one that then signed in', () => {
    const spray = alerts.find((a) => a.detection === 'password-spray')!;
    expect(spray.severity).toBe('critical');
    expect(spray.facts.accounts).toHaveLength(12);
    expect(spray.facts.signedInAfter).toEqual([victim.email]);
    expect(spray.evidence[0]!.value).toContain(`⚠️ ${victim.email}`);
    const brute = alerts.find((a) => a.detection === 'distributed-brute-force')!;
    expect(brute.facts.networks).toBe(12);
  });

  it('low needs 20 accounts / networks: neither fires; high raises nothing more of either detection', () => {
    const low = at('low');
    expect(low.filter((x) => /^(password-spray|distributed-brute-force) /.test(x))).toEqual([]);
    const high = at('high');
    expect(high.filter((x) => /^(password-spray|distributed-brute-force) /.test(x))).toEqual(
      [`distributed-brute-force ${target.email}`, `password-spray ip:${sprayIp}`].sort(),
    );
  });
});
