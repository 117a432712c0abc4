import { exfiltrationAttacks } from './exfil-attacks.js';
import { machineAttacks, type AttackTools } from './machine-attacks.js';
import { ipFor, place, type DemoUser } from './org.js';
import { DEMO_SUSPICIOUS, DEMO_TOR_EXITS, PLACES } from './places.js';
import type { Rng } from './prng.js';
import type { EventSpec } from './raw-event.js';
import { DAY, HOUR, MIN } from './routine.js';

export interface ExpectedAlert {
  detection: string;
  actorEmail: string;
}

export interface AttackPlan {
  /** Extra events, by day number. */
  byDay: Map<number, EventSpec[]>;
  /** Users whose own routine is suspended on a day (they are elsewhere). */
  away: Map<number, Set<string>>;
  expected: ExpectedAlert[];
}

/** The first weekday at or after `day` (0 = Sunday) from the start. */
function nextWeekday(startWeekday: number, day: number, weekday: number): number {
  let d = day;
  while ((startWeekday + d) % 7 !== weekday) d++;
  return d;
}

/**
 * Injected attacks, all after the 7-day learning period. Each victim is a different user and each attack is
 * chosen so that it raises exactly the alerts listed in `expected` (no side effects on other detections),
 * except where a real attack would raise two (an impossible trip to a new country; a new org admin in a burst).
 */
export function planAttacks(rng: Rng, users: DemoUser[], start: number, days: number, machines = true): AttackPlan {
  const plan: AttackPlan = { byDay: new Map(), away: new Map(), expected: [] };
  if (days < 14) return plan;
  const startWeekday = new Date(start).getUTCDay();
  const taken = new Set<string>();
  const find = (pred: (u: DemoUser) => boolean): DemoUser | undefined => {
    const u = users.find((x) => !taken.has(x.id) && !x.tokenJob && pred(x));
    if (u) taken.add(u.id);
    return u;
  };
  const add = (day: number, specs: EventSpec[], expected: ExpectedAlert[]) => {
    plan.byDay.set(day, [...(plan.byDay.get(day) ?? []), ...specs]);
    plan.expected.push(...expected);
  };
  const staff = (u: DemoUser) => u.role === 'staff' && u.index >= 4;
  const mid = (d: number) => start + d * DAY;
  const spec = (u: DemoUser, time: number, action: string, message: string, extra: Partial<EventSpec> = {}): EventSpec => ({
    time,
    delay: rng.int(2, 20) * 1000,
    action,
    message,
    actor: u,
    onSite: true,
    ...extra,
  });
  const d0 = Math.max(9, Math.floor(days * 0.35));

  // 1. Anonymous IP: a German user's session from a Tor exit (geolocated in Germany, so nothing else fires).
  const anon = find((u) => staff(u) && (u.home === 'berlin' || u.home === 'munich'));
  if (anon) {
    const d = nextWeekday(startWeekday, d0, 2);
    add(d, [spec(anon, mid(d) + 13 * HOUR, 'user_login', 'Logged in to account', { place: PLACES.frankfurt, ip: DEMO_TOR_EXITS[1]! })], [
      { detection: 'anonymous-ip', actorEmail: anon.email },
    ]);
  }

  // 2. Suspicious IP: a login from a password-spray range, geolocated in the victim's own city.
  const susp = find((u) => staff(u) && u.home === 'newYork');
  if (susp) {
    const d = nextWeekday(startWeekday, d0 + 1, 3);
    add(d, [spec(susp, mid(d) + 19 * HOUR, 'user_login', 'Logged in to account', { place: place(susp.home), ip: '45.155.205.77' })], [
      { detection: 'suspicious-ip', actorEmail: susp.email },
    ]);
  }

  // 3. Impossible travel to a country the traveller knows (Tokyo) while they are at home in London on a Monday.
  const trav = find((u) => u.role === 'traveller' && u.away.includes('tokyo'));
  if (trav) {
    const d = nextWeekday(startWeekday, d0 + 2, 1);
    add(d, [spec(trav, mid(d) + 12 * HOUR, 'user_login', 'Logged in to account', { place: PLACES.tokyo, ip: '126.0.99.12' })], [
      { detection: 'impossible-travel', actorEmail: trav.email },
    ]);
  }

  // 4. Impossible travel to a new country: a London user's session from São Paulo, processed 3 hours late.
  const br = find((u) => staff(u) && u.home === 'london');
  if (br) {
    const d = nextWeekday(startWeekday, d0 + 3, 3);
    add(d, [{ ...spec(br, mid(d) + 12 * HOUR + 30 * MIN, 'page_updated', 'Updated page', { place: PLACES.saoPaulo, ip: '177.32.9.200' }), delay: 3 * HOUR }], [
      { detection: 'impossible-travel', actorEmail: br.email },
      { detection: 'infrequent-country', actorEmail: br.email },
    ]);
  }

  // 5. Infrequent country: a weekend in Lisbon (plausible travel time; Portugal never used by the user).
  const inf = find((u) => staff(u) && ['berlin', 'munich', 'london', 'paris', 'amsterdam', 'warsaw', 'zurich'].includes(u.home));
  if (inf) {
    const d = nextWeekday(startWeekday, d0 + 4, 6);
    add(d, [spec(inf, mid(d) + 12 * HOUR, 'user_login', 'Logged in to account', { place: PLACES.lisbon, ip: '89.152.40.3' })], [
      { detection: 'infrequent-country', actorEmail: inf.email },
    ]);
    for (const x of [d, d + 1]) plan.away.set(x, new Set([...(plan.away.get(x) ?? []), inf.id]));
  }

  // 6. Failed-login burst: 14 failures in 6 minutes (not interactive: no location alerts).
  const fl = find(staff);
  if (fl) {
    const d = nextWeekday(startWeekday, d0 + 5, 4);
    const t0 = mid(d) + 2 * HOUR;
    const specs = Array.from({ length: 14 }, (_, i) =>
      spec(fl, t0 + i * 25_000, 'user_login_failed', 'Login failed', { place: PLACES.lagos, ip: '105.112.33.7', onSite: false }),
    );
    add(d, specs, [{ detection: 'failed-logins', actorEmail: fl.email }]);
  }

  // 7. Unusual admin burst by a user who never administers, including a new org admin.
  const adm = find(staff);
  if (adm) {
    const d = nextWeekday(startWeekday, d0 + 6, 2);
    const t0 = mid(d) + 21 * HOUR;
    const p = place(adm.home);
    const victim = users.find((u) => u.role === 'staff' && u.id !== adm.id)!;
    const at = { place: p, ip: ipFor(adm, p) };
    add(
      d,
      [
        spec(adm, t0, 'added_org_admin', `Added ${adm.email} as an organization admin`, { ...at, targets: [adm] }),
        spec(adm, t0 + 6 * MIN, 'group_granted_admin_access', 'Granted admin access to group', at),
        spec(adm, t0 + 14 * MIN, 'user_granted_role', 'Granted product role', { ...at, targets: [victim] }),
      ],
      [
        { detection: 'unusual-admin', actorEmail: adm.email },
        { detection: 'policy:new-org-admin', actorEmail: adm.email },
      ],
    );
  }

  // 8. Unusual impersonation: the admin who never impersonates logs in as a user.
  const imp = users.find((u) => u.role === 'admin' && u.index === 0);
  const impTarget = find(staff);
  if (imp && impTarget) {
    const d = nextWeekday(startWeekday, d0 + 7, 3);
    const p = place(imp.home);
    add(d, [spec(imp, mid(d) + 16 * HOUR, 'user_logged_in_as_user', `Logged in as ${impTarget.email}`, { place: p, ip: ipFor(imp, p), targets: [impTarget] })], [
      { detection: 'unusual-impersonation', actorEmail: imp.email },
    ]);
  }

  // 9. Two-step verification disabled late at night by the second admin (a policy-pack event).
  const tsv = users.find((u) => u.role === 'admin' && u.index === 1);
  const tsvTarget = find(staff);
  if (tsv && tsvTarget) {
    const d = nextWeekday(startWeekday, d0 + 8, 4);
    const p = place(tsv.home);
    add(d, [spec(tsv, mid(d) + 21 * HOUR, 'twosv_disabled_for_user', `Disabled two-step verification for ${tsvTarget.email}`, { place: p, ip: ipFor(tsv, p), targets: [tsvTarget] })], [
      { detection: 'policy:two-step-verification-disabled', actorEmail: tsv.email },
    ]);
  }

  // 10. Mass export: 30 page exports in 12 minutes.
  const ex = find(staff);
  if (ex) {
    const d = nextWeekday(startWeekday, d0 + 9, 5);
    const p = place(ex.home);
    const t0 = mid(d) + 15 * HOUR;
    add(d, Array.from({ length: 30 }, (_, i) => spec(ex, t0 + i * 24_000, 'page_exported', 'Exported page', { place: p, ip: ipFor(ex, p) })), [
      { detection: 'data-exfiltration', actorEmail: ex.email },
    ]);
  }
  // 11–16. Stolen API tokens (machine-attacks.ts), slower and broader exfiltration (exfil-attacks.ts).
  const tools: AttackTools = { users, find, add, spec, mid, staff, day: (k, weekday) => nextWeekday(startWeekday, d0 + k, weekday) };
  if (machines) {
    machineAttacks(tools);
    exfiltrationAttacks(tools);
  }
  // Late in the month: its events come after the ones the stored-upgrade fixture (test/store/migration) was made from.
  newAdminBurst(add, spec, users, rng, days - 3, start, days);
  return plan;
}

/**
 * 11. A brand-new admin burst: an account first seen two days earlier (it is not one of the org's users, so it is
 * still in its own learning week) makes 14 admin changes in 45 minutes. Judged against the org's usual busiest
 * admin hour, it is unusual-admin; without the org baseline it would be silent for a week.
 */
function newAdminBurst(
  add: (day: number, specs: EventSpec[], expected: ExpectedAlert[]) => void,
  spec: (u: DemoUser, time: number, action: string, message: string, extra?: Partial<EventSpec>) => EventSpec,
  users: DemoUser[],
  rng: Rng,
  d: number,
  start: number,
  days: number,
): void {
  if (d >= days || d < 2) return;
  const home = users[0]!.home;
  const newcomer: DemoUser = { index: users.length, id: `5b${rng.hex(22)}`, name: 'Rory Quill', email: `rory.quill@${users[0]!.email.split('@')[1]}`, role: 'staff', home, jitter: [], away: [], tokenJob: false };
  const at = { place: place(home), ip: ipFor(newcomer, place(home)) };
  for (const back of [2, 1]) add(d - back, [spec(newcomer, start + (d - back) * DAY + 9 * HOUR, 'user_login', 'Logged in to account', at)], []);
  const staff = users.filter((u) => u.role === 'staff');
  const kinds = [
    ['user_granted_role', 'Granted product role'],
    ['user_revoked_role', 'Revoked product role'],
    ['group_granted_admin_access', 'Granted admin access to group'],
  ] as const;
  const t0 = start + d * DAY + 14 * HOUR;
  const burst = Array.from({ length: 14 }, (_, i) => {
    const [action, message] = kinds[i % kinds.length]!;
    return spec(newcomer, t0 + Math.floor((i * 45 * MIN) / 14), action, message, { ...at, targets: staff.length > 0 ? [staff[i % staff.length]!] : [] });
  });
  add(d, burst, [{ detection: 'unusual-admin', actorEmail: newcomer.email }]);
}

export function demoLists(): { anonymous: string; suspicious: string } {
  return {
    anonymous: ['# Tor exit relays (demo snapshot, 2026-10-01)', ...DEMO_TOR_EXITS].join('\n') + '\n',
    suspicious: ['# Threat intelligence (demo): password-spray infrastructure', ...DEMO_SUSPICIOUS].join('\n') + '\n',
  };
}
