import { describe, expect, it } from 'vitest';
import { DEFAULT_START, createDemoOrg } from '../../src/demo/generate.js';
import type { DemoUser } from '../../src/demo/org.js';
import { PLACES, type Place } from '../../src/demo/places.js';
import { createRng, type Rng } from '../../src/demo/prng.js';
import { rawEvent, type RawDemoEvent } from '../../src/demo/raw-event.js';
import { demoEnricher, normalizeAll, summary, sweepAll } from '../demo/helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Harder months on top of the demo org (several seeds): people and places that fool naive detections, and one
 * attack that hides in a quiet account. Every month states its complete alert list: the generator's planted
 * attacks plus the dormant account, nothing for the rest.
 *
 * Silent (medium):
 * - a user whose ISP geolocates their IPv6 address in Hong Kong and their IPv4 address in Singapore, both every
 *   workday, minutes apart (2,580 km: "impossible" each morning, but their usual places);
 * - an office of 25 people behind one NAT address, a few of them mistyping their password on the same morning;
 * - a long-haul flyer between London and Sydney (visited in the first week): London in the morning, Sydney 23 hours
 *   later (plausible speed), back a week later;
 * - the month spans the end of European summer time (25 October 2026): nothing depends on local clocks.
 * Found: accounts active in their first week, silent for three weeks, that sign in from Lagos (a country no one in
 * the org uses) and from Chicago (the org works from the United States, the account never did) — both
 * `infrequent-country`.
 */
const HONG_KONG: Place = { city: 'Hong Kong', region: 'Hong Kong', country: 'Hong Kong', lat: 22.319, lon: 114.169, ipPrefix: '2001:db8' };
const DOMAIN = 'acme-demo.example';

function person(index: number, name: string, home: DemoUser['home']): DemoUser {
  const slug = name.toLowerCase().replace(/ /g, '.');
  return { index, id: `712020:hard-${index}`, name, email: `${slug}@${DOMAIN}`, role: 'staff', home, jitter: [], away: [], tokenJob: false };
}

const workdays = (from: number, days: number) => Array.from({ length: days }, (_, d) => from + d * DAY).filter((t) => ![0, 6].includes(new Date(t).getUTCDay()));

function hardEvents(rng: Rng, start: number): { events: RawDemoEvent[]; dormant: DemoUser[] } {
  const events: RawDemoEvent[] = [];
  const signIn = (actor: DemoUser, time: number, place: Place, ip: string, action = 'user_login', message = 'Logged in to account') =>
    events.push(rawEvent(rng, { time, delay: 4_000 + Math.floor(rng.next() * 60_000), action, message, actor, place, ip }));

  // Two-country user: IPv6 → Hong Kong at 01:10 UTC, IPv4 → Singapore 25 minutes later, every workday.
  const split = person(900, 'Mei Chan', 'singapore');
  for (const day of workdays(start, 30)) {
    const t = day + HOUR + 10 * MIN + Math.floor(rng.next() * 20 * MIN);
    signIn(split, t, HONG_KONG, `2001:db8:4f:${(day / DAY) % 100}::${Math.floor(rng.next() * 0xffff).toString(16)}`);
    signIn(split, t + 25 * MIN, PLACES.singapore, `116.86.7.${Math.floor(rng.next() * 200) + 1}`);
  }

  // One office NAT in Madrid for 25 people; on day 12 four of them mistype their password once.
  const office = Array.from({ length: 25 }, (_, i) => person(910 + i, `Office Worker${String.fromCharCode(65 + i)}`, 'madrid'));
  for (const day of workdays(start, 30))
    for (const u of office) signIn(u, day + 7 * HOUR + Math.floor(rng.next() * 2 * HOUR), PLACES.madrid, '88.0.10.10');
  const typoDay = workdays(start + 12 * DAY, 3)[0]!;
  for (const u of office.slice(0, 4)) signIn(u, typoDay + 7 * HOUR - 5 * MIN, PLACES.madrid, '88.0.10.10', 'user_login_failed', 'Login failed');

  // Long-haul flyer: London ↔ Sydney. Sydney on days 2–3 (learned), then London, then Sydney again from day 20.
  const flyer = person(940, 'Harry Long', 'london');
  const sydneyDays = new Set([2, 3, 20, 21, 22]);
  for (let d = 0; d < 30; d++) {
    const day = start + d * DAY;
    if (sydneyDays.has(d)) signIn(flyer, day + 23 * HOUR, PLACES.sydney, '1.120.5.5');
    // Back in London two days after the last Sydney night (a 23-hour flight).
    else if (!sydneyDays.has(d - 1) && !sydneyDays.has(d - 2) && ![0, 6].includes(new Date(day).getUTCDay())) signIn(flyer, day + 9 * HOUR, PLACES.london, '81.2.40.40');
  }
  signIn(flyer, start + 19 * DAY + 23 * HOUR + 50 * MIN, PLACES.london, '81.2.40.40'); // boarding: Sydney 23 h later
  // Dormant accounts: the first week from Berlin, then nothing, then Lagos / Chicago on day 27.
  const dormant = [person(950, 'Dora Mant', 'berlin'), person(951, 'Dan Sleeper', 'berlin')];
  for (const u of dormant) for (const day of workdays(start, 7)) signIn(u, day + 8 * HOUR, PLACES.berlin, '91.64.3.3');
  signIn(dormant[0]!, start + 27 * DAY + 3 * HOUR, PLACES.lagos, '105.112.77.7');
  signIn(dormant[1]!, start + 27 * DAY + 4 * HOUR, PLACES.chicago, '73.14.8.8');
  return { events, dormant };
}

describe('scenario: harder months (two-country users, office NAT, long-haul flights, a dormant account)', () => {
  for (const seed of [7, 42, 2027]) {
    it(`seed ${seed}: exactly the planted attacks and the two dormant accounts at medium`, async () => {
      const org = createDemoOrg({ seed });
      const { events: extra, dormant } = hardEvents(createRng(seed + 1), DEFAULT_START);
      const all = [...org.events(), ...extra].sort((a, b) => a.attributes.processedAt.localeCompare(b.attributes.processedAt));
      const enricher = await demoEnricher(org.lists);
      const alerts = sweepAll(normalizeAll(all).map((e) => enricher.enrich(e))).alerts;
      const expected = [...org.expected.map((x) => `${x.detection} ${x.actorEmail}`), ...dormant.map((u) => `infrequent-country ${u.email}`)].sort();
      const got = summary(alerts);
      expect({ extra: got.filter((x) => !expected.includes(x)), missing: expected.filter((x) => !got.includes(x)) }).toEqual({ extra: [], missing: [] });
    });
  }

  it('the two-country user is a real trap: high sensitivity (no usual places) raises impossible travel for her, not for the flyer or the office', async () => {
    const org = createDemoOrg({ seed: 42 });
    const { events: extra } = hardEvents(createRng(43), DEFAULT_START);
    const all = [...org.events(), ...extra].sort((a, b) => a.attributes.processedAt.localeCompare(b.attributes.processedAt));
    const enricher = await demoEnricher(org.lists);
    const high = summary(sweepAll(normalizeAll(all).map((e) => enricher.enrich(e)), 'high').alerts);
    expect(high).toContain(`impossible-travel mei.chan@${DOMAIN}`);
    expect(high.filter((x) => /office\.worker|impossible-travel harry\.long/.test(x))).toEqual([]);
  });
});
