import { ipFor, place, utcOffsetHours, type DemoUser } from './org.js';
import { CLOUD_JOB_IP_PREFIX, PLACES, type Place } from './places.js';
import type { Rng } from './prng.js';
import type { EventSpec } from './raw-event.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const DAY = 86_400_000;

const ACTIVITIES: Array<[string, string]> = [
  ['page_created', 'Created page'],
  ['page_updated', 'Updated page'],
  ['issue_created', 'Created issue'],
  ['issue_updated', 'Updated issue'],
  ['space_permission_viewed', 'Viewed space permissions'],
];

export interface DayContext {
  rng: Rng;
  /** The automation's own stream (nightly backups), so that it does not shift the people's randomness. */
  jobs: Rng;
  users: DemoUser[];
  /** UTC midnight of this day. */
  dayStart: number;
  /** Day number from the start (0-based). */
  day: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

/** Normal processing delay: seconds; 2% of events are processed hours late (out-of-order input). */
export function delay(rng: Rng): number {
  return rng.chance(0.02) ? rng.int(10, 240) * MIN : rng.int(1, 20) * 1000;
}

/** Where a user works today. Travellers fly out in the first week to both destinations so they are learned. */
export function placeOfDay(u: DemoUser, day: number, weekday: number): Place {
  if (u.role === 'traveller') {
    if (day < 7) {
      if (weekday === 2 || weekday === 3) return place(u.away[0]!);
      if (weekday === 4 || weekday === 5) return place(u.away[1]!);
      return place(u.home);
    }
    if (weekday >= 2 && weekday <= 4) return place(u.away[Math.floor(day / 7) % 2]!);
    return place(u.home);
  }
  if (u.role === 'border' && (weekday === 2 || weekday === 4)) return place(u.away[0]!);
  return place(u.home);
}

function at(ctx: DayContext, p: Place, localHour: number, jitterMin: number): number {
  return ctx.dayStart + (localHour - utcOffsetHours(p)) * HOUR + ctx.rng.int(0, jitterMin) * MIN;
}

function others(ctx: DayContext, u: DemoUser, n: number): DemoUser[] {
  const out: DemoUser[] = [];
  for (let guard = 0; out.length < n && guard < 50; guard++) {
    const t = ctx.rng.pick(ctx.users);
    if (t.id !== u.id && !out.includes(t)) out.push(t);
  }
  return out;
}

/** A user's ordinary day: logins, work, logouts; plus admin, help-desk and token-job routines. */
export function routineDay(ctx: DayContext, u: DemoUser): EventSpec[] {
  const { rng } = ctx;
  const p = placeOfDay(u, ctx.day, ctx.weekday);
  const workday = ctx.weekday >= 1 && ctx.weekday <= 5;
  const out: EventSpec[] = [];
  const here = (): Place => (p === place(u.home) && u.jitter.length > 0 && rng.chance(0.15) ? place(rng.pick(u.jitter)) : p);
  const ev = (time: number, action: string, message: string, extra: Partial<EventSpec> = {}): void => {
    const loc = extra.place ?? here();
    out.push({ time, delay: delay(rng), action, message, actor: u, place: loc, ip: ipFor(u, loc), onSite: true, ...extra });
  };

  if (workday || rng.chance(0.25)) {
    const start = workday ? at(ctx, p, 8, 90) : at(ctx, p, 10, 600);
    if (rng.chance(0.05)) {
      // A mistyped password or two before the login: never a burst.
      const fails = rng.int(1, 3);
      for (let i = 0; i < fails; i++)
        out.push({ time: start - (fails - i) * MIN, delay: delay(rng), action: 'user_login_failed', message: 'Login failed', actor: u, place: p, ip: ipFor(u, p) });
    }
    ev(start, 'user_login', 'Logged in to account', { onSite: false });
    const n = workday ? rng.int(2, 5) : 1;
    const end = workday ? at(ctx, p, 17, 0) : start + 2 * HOUR;
    for (let i = 0; i < n; i++) {
      const [action, message] = rng.pick(ACTIVITIES);
      ev(start + 10 * MIN + Math.floor(rng.next() * Math.max(1, end - start - 10 * MIN)), action, message);
    }
    if (rng.chance(0.03)) ev(start + rng.int(60, 300) * MIN, 'page_exported', 'Exported page');
    if (workday) ev(end + rng.int(0, 90) * MIN, 'user_logout', 'Logged out of account', { onSite: false });
  }

  if (workday && u.role === 'admin') {
    // Routine user administration between 10:00 and 11:00 local: one to three role changes.
    const n = rng.int(1, 3);
    const t0 = at(ctx, p, 10, 0);
    for (let i = 0; i < n; i++) {
      const grant = rng.chance(0.6);
      ev(t0 + rng.int(0, 55) * MIN, grant ? 'user_granted_role' : 'user_revoked_role', grant ? 'Granted product role' : 'Revoked product role', {
        targets: others(ctx, u, 1),
      });
    }
  }

  if (workday && u.role === 'helpdesk') {
    // The help desk logs in as one or two users a day, hours apart.
    const hours = rng.chance(0.5) ? [11] : [11, 15];
    for (const h of hours) {
      const [target] = others(ctx, u, 1);
      ev(at(ctx, p, h, 40), 'user_logged_in_as_user', `Logged in as ${target!.email}`, { targets: [target!] });
    }
  }

  if (u.tokenJob) {
    // Hourly CI job with the user's API token, from a cloud region: not interactive.
    const cloud = PLACES.ashburn;
    for (let h = 0; h < 24; h++) {
      out.push({
        time: ctx.dayStart + h * HOUR + rng.int(0, 300) * 1000,
        delay: delay(rng),
        action: 'user_login',
        message: 'Logged in to account',
        actor: u,
        token: { id: `tok-${u.id.slice(2, 10)}`, label: 'ci-sync' },
        place: cloud,
        ip: `${CLOUD_JOB_IP_PREFIX}.${(u.index * 3) % 250}.${h + 10}`,
      });
    }
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Token-job owners whose index is 6 mod 30 also run a nightly backup token that exports. */
export const runsBackup = (u: DemoUser): boolean => u.tokenJob && u.index % 30 === 6;

/**
 * The nightly backup job of a token-job owner (see runsBackup): at about 01:00 UTC every night, a whole-space
 * export and 100–160 page exports within about 40 minutes, with its own API token, from the cloud region.
 * Its own normal: it must never look like exfiltration.
 */
export function automationNight(ctx: DayContext, u: DemoUser): EventSpec[] {
  if (!runsBackup(u)) return [];
  const { jobs } = ctx;
  const t0 = ctx.dayStart + HOUR + jobs.int(0, 20) * MIN;
  const token = { id: `tok-bk-${u.id.slice(2, 10)}`, label: 'nightly-backup' };
  const where = { actor: u, token, place: PLACES.ashburn, ip: `${CLOUD_JOB_IP_PREFIX}.${(u.index * 3) % 250}.200`, onSite: true };
  const n = jobs.int(100, 160);
  return [
    { ...where, time: t0, delay: delay(jobs), action: 'space_exported', message: 'Exported space' },
    ...Array.from({ length: n }, (_, i) => ({ ...where, time: t0 + MIN + Math.floor((i * 40 * MIN) / n), delay: delay(jobs), action: 'page_exported', message: 'Exported page' })),
  ];
}

/** A couple of system events a day (the "Atlassian Internal System" actor). */
export function systemDay(ctx: DayContext): EventSpec[] {
  return [6, 18].map((h) => ({
    time: ctx.dayStart + h * HOUR + ctx.rng.int(0, 600) * 1000,
    delay: delay(ctx.rng),
    action: 'user_provisioned',
    message: 'Synchronised users from the identity provider',
    actor: 'system' as const,
  }));
}

export { DAY, HOUR, MIN };
