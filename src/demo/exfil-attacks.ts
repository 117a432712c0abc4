import { localTime, type AttackTools } from './machine-attacks.js';
import { ipFor, place, type DemoUser } from './org.js';
import type { EventSpec } from './raw-event.js';
import { MIN } from './routine.js';

/**
 * Exfiltration, each by a person who exports a page now and then at most: a drip of 90 page exports over 9 hours
 * (never 20 in an hour), 60 attachment downloads in 20 minutes, and three whole-space exports in 40 minutes.
 * (The 30-exports-in-12-minutes burst is planAttacks' own.)
 */
export function exfiltrationAttacks(t: AttackTools): void {
  const series = (u: DemoUser, start: number, n: number, every: number, action: string, message: string): EventSpec[] => {
    const p = place(u.home);
    return Array.from({ length: n }, (_, i) => t.spec(u, start + Math.floor(i * every), action, message, { place: p, ip: ipFor(u, p) }));
  };
  const drip = t.find(t.staff);
  if (drip) {
    const d = t.day(4, 2);
    t.add(d, series(drip, localTime(t, drip, d, 9), 90, 6 * MIN, 'page_exported', 'Exported page'), [{ detection: 'data-exfiltration', actorEmail: drip.email }]);
  }
  const files = t.find(t.staff);
  if (files) {
    const d = t.day(5, 3);
    t.add(d, series(files, localTime(t, files, d, 16), 60, 20_000, 'attachment_downloaded', 'Downloaded attachment'), [
      { detection: 'data-exfiltration', actorEmail: files.email },
    ]);
  }
  const spaces = t.find(t.staff);
  if (spaces) {
    const d = t.day(6, 4);
    t.add(d, series(spaces, localTime(t, spaces, d, 11), 3, 20 * MIN, 'space_exported', 'Exported space'), [{ detection: 'data-exfiltration', actorEmail: spaces.email }]);
  }
}
