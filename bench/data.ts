/**
 * Generated audit logs for the benchmark, in the events-stream's raw shape (src/demo/raw-event.ts), written as
 * NDJSON under bench/.cache/ (gitignored) and reused by later runs:
 *   - sweep:    N actors, ~3 events each within 2 hours (150,000 events for 50,000 actors);
 *   - month:    a 4,000-person org's month, weekday-heavy (~237,000 events);
 *   - distinct: N actors with one event each (400,000 distinct actors).
 * Every event has a unique id; 80 % carry a location with geo (lat,long), city and country, the rest none (admin
 * and product events); IPs come from the demo org's per-country prefixes (public ranges, src/demo/places.ts);
 * a few users also sign in from a second country.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';
import { buildOrg, ipFor, type DemoUser } from '../src/demo/org.js';
import { PLACES, type Place } from '../src/demo/places.js';
import { createRng, type Rng } from '../src/demo/prng.js';
import { rawEvent } from '../src/demo/raw-event.js';

export const CACHE = path.join(import.meta.dirname, '.cache');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface Dataset {
  file: string;
  events: number;
  actors: number;
  /** processedAt of the first and last event (epoch ms). */
  from: number;
  to: number;
}

const ACTIONS: Array<[string, string, boolean]> = [
  // action, message, has a location (sign-ins and product activity do; admin events mostly not)
  ['user_login', 'Logged in to account', true],
  ['user_login', 'Logged in to account', true],
  ['page_updated', 'Updated page', true],
  ['issue_updated', 'Updated issue', true],
  ['issue_created', 'Created issue', true],
];
const NO_LOCATION: Array<[string, string]> = [
  ['page_created', 'Created page'],
  ['issue_updated', 'Updated issue'],
  ['space_permission_viewed', 'Viewed space permissions'],
];
const ABROAD: Place[] = [PLACES.newYork, PLACES.tokyo, PLACES.singapore, PLACES.saoPaulo, PLACES.toronto];

interface Tick {
  time: number;
  user: number;
}

/**
 * One raw event of `u` at `time`: 80 % with a location, 20 % without. One user in 1,000 is on a trip: every
 * event after their first comes from abroad (an alert or two each, as a real org has).
 */
function render(rng: Rng, u: DemoUser, time: number, seenOnce: Set<number>): string {
  if (rng.next() >= 0.8) {
    const [action, message] = rng.pick(NO_LOCATION);
    return JSON.stringify(rawEvent(rng, { time, delay: 500 + rng.int(0, 4_000), action, message, actor: u, onSite: true }));
  }
  const [action, message] = rng.pick(ACTIONS);
  const traveller = u.index % 1000 === 7 && seenOnce.has(u.index);
  seenOnce.add(u.index);
  const place = traveller ? ABROAD[u.index % ABROAD.length]! : PLACES[u.home];
  return JSON.stringify(rawEvent(rng, { time, delay: 500 + rng.int(0, 4_000), action, message, actor: u, place, ip: ipFor(u, place), onSite: true }));
}

async function write(file: string, users: DemoUser[], ticks: Tick[], seed: number): Promise<Dataset> {
  ticks.sort((a, b) => a.time - b.time);
  const rng = createRng(seed);
  const seenOnce = new Set<number>();
  const tmp = `${file}.${process.pid}.tmp`;
  const out = createWriteStream(tmp);
  let from = Infinity;
  let to = 0;
  let batch: string[] = [];
  for (const t of ticks) {
    const line = render(rng, users[t.user]!, t.time, seenOnce);
    batch.push(line);
    // processedAt follows time by 0.5–4.5 s; the stream is ordered by processedAt, close enough for a sweep.
    from = Math.min(from, t.time);
    to = Math.max(to, t.time);
    if (batch.length >= 2_000) {
      if (!out.write(`${batch.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      batch = [];
    }
  }
  if (batch.length) out.write(`${batch.join('\n')}\n`);
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  renameSync(tmp, file);
  return { file, events: ticks.length, actors: users.length, from, to: to + 5_000 };
}

/** Reuse a cached file when it exists (and, for time-sensitive data, is younger than `maxAgeMs`). */
async function cached(name: string, maxAgeMs: number, make: (file: string) => Promise<Dataset>, meta: (file: string) => Dataset): Promise<Dataset> {
  mkdirSync(CACHE, { recursive: true });
  const file = path.join(CACHE, name);
  if (existsSync(file) && Date.now() - statSync(file).mtimeMs < maxAgeMs) return meta(file);
  return make(file);
}

/**
 * Sweep data: `actors` people, ~3 events each (1–5) inside the 2 hours that end 10 minutes ago. Regenerated
 * after a day, so the events stay recent for the sweep's backfill and seen windows.
 */
export function sweepData(actors: number): Promise<Dataset> {
  const name = `sweep-${actors}.ndjson`;
  const end = (file: string) => statSync(file).mtimeMs - 10 * 60_000;
  return cached(
    name,
    DAY,
    (file) => {
      const rng = createRng(actors * 7 + 1);
      const users = buildOrg(rng, actors);
      const stop = Date.now() - 10 * 60_000;
      const ticks: Tick[] = [];
      for (let u = 0; u < actors; u++) {
        const n = 1 + rng.int(0, 2) + rng.int(0, 2); // 1–5, mean 3
        for (let k = 0; k < n; k++) ticks.push({ time: stop - 2 * HOUR + Math.floor(rng.next() * 2 * HOUR), user: u });
      }
      return write(file, users, ticks, actors);
    },
    (file) => ({ file, events: countLines(file), actors, from: end(file) - 2 * HOUR, to: end(file) + 5_000 }),
  );
}

/** A 4,000-person month: ~2.7 events per person on weekdays, ~0.3 at weekends (about 237,000 events). */
export function monthData(persons = 4_000, days = 30): Promise<Dataset> {
  const start = Date.UTC(2026, 9, 5); // a Monday
  return cached(
    `month-${persons}-${days}.ndjson`,
    Infinity,
    (file) => {
      const rng = createRng(persons * 13 + days);
      const users = buildOrg(rng, persons);
      const ticks: Tick[] = [];
      for (let d = 0; d < days; d++) {
        const weekend = [0, 6].includes(new Date(start + d * DAY).getUTCDay());
        for (let u = 0; u < persons; u++) {
          const n = weekend ? (rng.chance(0.3) ? 1 : 0) : 1 + rng.int(0, 2) + (rng.chance(0.7) ? 1 : 0);
          for (let k = 0; k < n; k++) ticks.push({ time: start + d * DAY + 7 * HOUR + Math.floor(rng.next() * 11 * HOUR), user: u });
        }
      }
      return write(file, users, ticks, persons + days);
    },
    (file) => ({ file, events: countLines(file), actors: persons, from: start, to: start + days * DAY }),
  );
}

/** `actors` distinct people with one sign-in each, over one day. */
export function distinctData(actors: number): Promise<Dataset> {
  const start = Date.UTC(2026, 9, 5);
  return cached(
    `distinct-${actors}.ndjson`,
    Infinity,
    (file) => {
      const rng = createRng(actors * 17 + 3);
      const users = buildOrg(rng, actors);
      const ticks = users.map((_, u) => ({ time: start + Math.floor(rng.next() * DAY), user: u }));
      return write(file, users, ticks, actors + 1);
    },
    (file) => ({ file, events: countLines(file), actors, from: start, to: start + DAY }),
  );
}

function countLines(file: string): number {
  // Cheap enough for a cached file: read once, count newlines.
  const buf = readFileSync(file);
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
