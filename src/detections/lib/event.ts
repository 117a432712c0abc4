import type { NormalizedEvent } from '../../domain/index.js';

const SYSTEM_NAMES = /^(atlassian internal system|atlassian system|system)$/i;

/** Failed login: `user_login_failed` (or a *login_fail* key) or an action whose display name says the login failed. */
export function isFailedLoginEvent(e: NormalizedEvent): boolean {
  return isFailedLoginAction(e.action, e.actionName);
}

/** The same test on an action key and its `/event-actions` display name (what `vigil doctor` asks of the catalogue). */
export function isFailedLoginAction(key: string, displayName: string | undefined): boolean {
  if (key === 'user_login_failed' || /login_fail|failed_login|login_failure/i.test(key)) return true;
  const name = displayName ?? '';
  return /(log(ged)?\s*in|sign(ed)?\s*in)/i.test(name) && /fail/i.test(name);
}

export function isSystemActor(e: NormalizedEvent): boolean {
  return (e.actor.name !== undefined && SYSTEM_NAMES.test(e.actor.name)) || /^atlassian-internal/.test(e.actor.id);
}

/** Interactive activity: a real person, not the system actor, not an API token or app, not a failed login. */
export function isInteractive(e: NormalizedEvent): boolean {
  if (!e.interactive || e.actor.token || e.actor.onBehalfOf) return false;
  // Several detections ask this of every event; the regex checks run once per event object.
  let v = interactiveMemo.get(e);
  if (v === undefined) {
    v = !isSystemActor(e) && !isFailedLoginEvent(e);
    interactiveMemo.set(e, v);
  }
  return v;
}
const interactiveMemo = new WeakMap<NormalizedEvent, boolean>();

/** The country key used in baselines: ISO code from enrichment, else the lower-cased country name. */
export function countryOf(e: NormalizedEvent): string | undefined {
  const l = e.location;
  return l?.countryCode?.toUpperCase() ?? (l?.countryName ? l.countryName.trim().toLowerCase() : undefined);
}

export function who(e: NormalizedEvent): string {
  return e.actor.email ?? e.actor.name ?? e.actor.id;
}

export function where(e: NormalizedEvent): string {
  const l = e.location;
  return [l?.city, l?.countryName ?? l?.countryCode].filter(Boolean).join(', ') || 'unknown location';
}

export function activity(e: NormalizedEvent): string {
  return e.actionName ?? e.action;
}

export function targetsOf(e: NormalizedEvent): string[] {
  return e.targets.map((t) => t.email ?? t.name ?? t.id ?? t.type);
}

export function iso(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** "2 h 5 min", "40 s". */
export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (d > 0) return `${d} d ${h % 24} h`;
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/** 8950 → "8,950". */
export function num(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Countries seen within `withinMs` before `t`, most recent first. */
export function recentCountries(countries: Readonly<Record<string, number>>, t: number, withinMs: number): string[] {
  return Object.entries(countries)
    .filter(([, last]) => last >= t - withinMs)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([c]) => c);
}
