import { distanceKm } from '../detections/lib/geo.js';
import { demoLists, planAttacks, type AttackPlan, type ExpectedAlert } from './attacks.js';
import { buildOrg, type DemoUser } from './org.js';
import { planParity } from './parity.js';
import { createRng } from './prng.js';
import { rawEvent, type EventSpec, type RawDemoEvent } from './raw-event.js';
import { DAY, automationNight, routineDay, systemDay, type DayContext } from './routine.js';

export interface GenerateOptions {
  seed?: number;
  /** Epoch ms of the first day (UTC midnight is used). Default 2026-10-05 (a Monday). */
  start?: number;
  days?: number;
  users?: number;
  /** Inject the attacks (default true). */
  attacks?: boolean;
  /**
   * The nightly backup tokens and the token and exfiltration attacks (default true). false gives exactly the month
   * earlier versions generated (the store-migration fixture was written from it).
   */
  machines?: boolean;
}

export interface DemoOrg {
  users: DemoUser[];
  expected: ExpectedAlert[];
  lists: { anonymous: string; suspicious: string };
  /** Raw org audit events, ascending by attributes.processedAt, produced day by day (memory stays flat). */
  events(): Generator<RawDemoEvent>;
}

export const DEFAULT_START = Date.UTC(2026, 9, 5);
/** Routine events faster than this between countries are dropped: people fly, they do not teleport. */
const MAX_ROUTINE_KMH = 700;

interface Pending {
  processedAt: number;
  seq: number;
  event: RawDemoEvent;
}

export function createDemoOrg(opts: GenerateOptions = {}): DemoOrg {
  const seed = opts.seed ?? 42;
  const start = Math.floor((opts.start ?? DEFAULT_START) / DAY) * DAY;
  const days = opts.days ?? 30;
  const users = buildOrg(createRng(seed), opts.users ?? 40);
  const plan: AttackPlan = opts.attacks === false ? { byDay: new Map(), away: new Map(), expected: [] } : planAttacks(createRng(seed ^ 0x5eed), users, start, days, opts.machines !== false);
  if (opts.attacks !== false) {
    // The Guard Detect parity events (policies of the default pack), with their own random stream.
    const parity = planParity(createRng(seed ^ 0xa11ce), users, start, days, new Set(plan.expected.map((x) => x.actorEmail)));
    for (const [day, specs] of parity.byDay) plan.byDay.set(day, [...(plan.byDay.get(day) ?? []), ...specs]);
    plan.expected.push(...parity.expected);
  }

  function* events(): Generator<RawDemoEvent> {
    const rng = createRng(seed * 31 + 7);
    // Automation (nightly backup tokens) draws from its own stream: adding it leaves the people's month unchanged.
    const jobs = createRng(seed * 31 + 11);
    const last = new Map<string, { time: number; lat: number; lon: number; country: string }>();
    let pending: Pending[] = [];
    let seq = 0;
    const push = (s: EventSpec, from = rng) => {
      const event = rawEvent(from, s);
      pending.push({ processedAt: s.time + s.delay, seq: seq++, event });
    };
    for (let day = 0; day < days; day++) {
      const dayStart = start + day * DAY;
      const ctx: DayContext = { rng, jobs, users, dayStart, day, weekday: new Date(dayStart).getUTCDay() };
      const away = plan.away.get(day) ?? new Set<string>();
      for (const s of systemDay(ctx)) push(s);
      for (const u of users) {
        const specs = routineDay(ctx, u);
        if (opts.machines !== false) for (const s of automationNight(ctx, u)) push(s, jobs);
        if (away.has(u.id)) continue; // the RNG still advanced: the rest of the org is unchanged
        for (const s of specs) {
          if (s.place && !s.token && s.actor !== 'system') {
            const prev = last.get(u.id);
            if (prev && prev.country !== s.place.country) {
              const hours = Math.max(1e-6, (s.time - prev.time) / 3_600_000);
              if (distanceKm(prev.lat, prev.lon, s.place.lat, s.place.lon) / hours > MAX_ROUTINE_KMH) continue;
            }
            last.set(u.id, { time: s.time, lat: s.place.lat, lon: s.place.lon, country: s.place.country });
          }
          push(s);
        }
      }
      for (const s of plan.byDay.get(day) ?? []) push(s);
      // Everything later has time >= next day's start minus 14 h (time zones), so this prefix is final.
      const safe = dayStart - DAY;
      pending.sort((a, b) => a.processedAt - b.processedAt || a.seq - b.seq);
      const cut = pending.findIndex((p) => p.processedAt >= safe);
      const ready = cut === -1 ? pending : pending.slice(0, cut);
      pending = cut === -1 ? [] : pending.slice(cut);
      for (const p of ready) yield p.event;
    }
    pending.sort((a, b) => a.processedAt - b.processedAt || a.seq - b.seq);
    for (const p of pending) yield p.event;
  }

  return { users, expected: plan.expected, lists: demoLists(), events };
}

/**
 * A month of a realistic small org's audit log, deterministic for a seed: raw events in the API's shape, the
 * injected attacks the detections must find, and the IP list files the demo uses.
 */
export function generateOrgMonth(opts: GenerateOptions = {}): {
  events: unknown[];
  expected: ExpectedAlert[];
  lists: { anonymous: string; suspicious: string };
} {
  const org = createDemoOrg(opts);
  return { events: [...org.events()], expected: org.expected, lists: org.lists };
}

export type { ExpectedAlert, RawDemoEvent };
