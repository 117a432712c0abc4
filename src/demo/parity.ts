import type { ExpectedAlert } from './attacks.js';
import { ipFor, place, utcOffsetHours, type DemoUser } from './org.js';
import type { Rng } from './prng.js';
import type { EventSpec } from './raw-event.js';
import { DAY, HOUR, MIN } from './routine.js';

export interface ParityPlan {
  byDay: Map<number, EventSpec[]>;
  expected: ExpectedAlert[];
}

/**
 * The Guard Detect parity events of the demo month (issue 13 #6), in the last ten days so the rest of the month is
 * generated as before. Routine that stays silent: an admin offboards one or two leavers on three days. Routine that
 * is stated as a low alert: that admin installs an app. Attacks: a public link on a page, a password reset through
 * the recovery link, an intruder with the second admin's session removing the audit-log webhook and relaxing a data
 * security policy, and the first admin's account deactivating twelve accounts at night.
 */
export function planParity(rng: Rng, users: DemoUser[], start: number, days: number, used: ReadonlySet<string>): ParityPlan {
  const plan: ParityPlan = { byDay: new Map(), expected: [] };
  const [admin0, admin1] = users.filter((u) => u.role === 'admin');
  const staff = users.filter((u) => u.role === 'staff' && u.index >= 4 && !u.tokenJob && !used.has(u.email)).reverse();
  // Deactivated accounts are only targets: anyone but the admins (the actors are unused staff).
  const others = users.filter((u) => u.role !== 'admin').reverse();
  if (days < 14 || !admin0 || !admin1 || staff.length < 2 || others.length < 16) return plan;
  const startWeekday = new Date(start).getUTCDay();
  /** The first day at or after `from` that is `weekday` (0 = Sunday). */
  const on = (from: number, weekday: number) => from + ((weekday - ((startWeekday + from) % 7) + 7) % 7);
  const first = days - 13;
  const at = (u: DemoUser, day: number, localHour: number) => start + day * DAY + (localHour - utcOffsetHours(place(u.home))) * HOUR;
  const spec = (u: DemoUser, time: number, action: string, message: string, targets?: DemoUser[]): EventSpec => {
    const p = place(u.home);
    return { time, delay: rng.int(2, 20) * 1000, action, message, actor: u, place: p, ip: ipFor(u, p), onSite: true, ...(targets ? { targets } : {}) };
  };
  const add = (day: number, specs: EventSpec[], expected: ExpectedAlert[] = []) => {
    plan.byDay.set(day, [...(plan.byDay.get(day) ?? []), ...specs]);
    plan.expected.push(...expected);
  };
  const [linker, resetter] = staff;
  const leavers = others;

  // Routine offboarding: one or two leavers deactivated on three weekdays, 10:30 local — never many at once.
  [on(first, 1), on(first, 3), on(first + 6, 2)].forEach((d, i) => {
    const who = leavers.slice(i * 2, i * 2 + 1 + (i % 2));
    add(d, who.map((l, j) => spec(admin1, at(admin1, d, 10.5) + j * 4 * MIN, 'user_deactivated', `Deactivated account ${l.email}`, [l])));
  });
  // Routine but worth a look: the admin installs an app (low).
  const dApp = on(first, 2);
  add(dApp, [spec(admin0, at(admin0, dApp, 14), 'app_installed', 'App successful installation: Diagramming for Confluence')], [{ detection: 'policy:app-installed', actorEmail: admin0.email }]);
  // A page published with a public link.
  const dLink = on(first + 1, 4);
  add(dLink, [spec(linker!, at(linker!, dLink, 15), 'public_link_created', 'Created public link for page "Customer list Q4"')], [
    { detection: 'policy:public-link-or-external-share', actorEmail: linker!.email },
  ]);
  // A password reset through the recovery link (an intruder with the mailbox; low: resets are common).
  const dReset = on(first + 2, 1);
  add(dReset, [spec(resetter!, at(resetter!, dReset, 7), 'user_password_reset', 'Reset password with recovery link')], [{ detection: 'policy:password-reset', actorEmail: resetter!.email }]);
  // The second admin's session at night: the audit-log webhook removed, then a data security policy relaxed.
  const dHide = on(first + 3, 3);
  add(
    dHide,
    [
      spec(admin1, at(admin1, dHide, 22), 'audit_log_webhook_deleted', 'Deleted audit log webhook "SIEM"'),
      spec(admin1, at(admin1, dHide, 22) + 5 * MIN, 'data_security_policy_updated', 'Updated data security policy "Block exports of confidential spaces"'),
    ],
    [
      { detection: 'policy:audit-log-webhook-changed', actorEmail: admin1.email },
      { detection: 'policy:data-security-policy-changed', actorEmail: admin1.email },
    ],
  );
  // The first admin's account deactivates twelve accounts in a quarter of an hour, at 23:00 local.
  const dMass = on(first + 5, 5);
  const victims = leavers.slice(4, 16);
  add(dMass, victims.map((v, i) => spec(admin0, at(admin0, dMass, 23) + i * 75_000, 'user_deactivated', `Deactivated account ${v.email}`, [v])), [
    { detection: 'policy:mass-deactivation', actorEmail: admin0.email },
  ]);
  return plan;
}
