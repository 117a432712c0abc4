import { HOMES, PLACES, type Place, type PlaceName } from './places.js';
import type { Rng } from './prng.js';

export type Role = 'staff' | 'traveller' | 'border' | 'admin' | 'helpdesk';

export interface DemoUser {
  index: number;
  id: string;
  name: string;
  email: string;
  role: Role;
  home: PlaceName;
  jitter: PlaceName[];
  /** Travellers: the two places they fly to in alternating weeks. Border commuters: the office across the border. */
  away: PlaceName[];
  /** Runs an hourly API-token job from a cloud region. */
  tokenJob: boolean;
}

const FIRST = ['Ada', 'Ben', 'Chloe', 'Dev', 'Elif', 'Finn', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Liam', 'Mara', 'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tomas', 'Uma', 'Viktor', 'Wen', 'Xavi', 'Yara', 'Zoe'];
const LAST = ['Adler', 'Brooks', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hughes', 'Ito', 'Jansen', 'Kowalski', 'Lopez', 'Meyer', 'Nair', 'Okafor', 'Petit', 'Rossi', 'Schmidt', 'Tanaka', 'Varga', 'Walsh', 'Young', 'Zimmer'];

export const DEMO_DOMAIN = 'acme-demo.example';
export const DEMO_SITE = { id: '5f1c2b7e-7d3a-4c1e-9a54-acme0000site', host: 'acme-demo.atlassian.net', name: 'acme-demo' };

/** Travellers' routes: home → two destinations, all visited in the first week (so they are learned). */
const ROUTES: Array<{ home: PlaceName; away: [PlaceName, PlaceName] }> = [
  { home: 'london', away: ['newYork', 'tokyo'] },
  { home: 'sanFrancisco', away: ['london', 'singapore'] },
  { home: 'berlin', away: ['bangalore', 'newYork'] },
  { home: 'paris', away: ['toronto', 'sydney'] },
];

function pickHome(rng: Rng): (typeof HOMES)[number] {
  const total = HOMES.reduce((s, h) => s + h.weight, 0);
  let r = rng.next() * total;
  for (const h of HOMES) {
    r -= h.weight;
    if (r < 0) return h;
  }
  return HOMES[0]!;
}

/**
 * Build the org: the first users have fixed roles (two routine admins, two help-desk agents), then every
 * 10th user is a frequent traveller, every 20th a border commuter (Geneva ↔ Annemasse), every 15th runs an
 * API-token job. The rest are staff at weighted home offices.
 */
export function buildOrg(rng: Rng, count: number): DemoUser[] {
  const users: DemoUser[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length]!;
    const last = LAST[Math.floor(i / FIRST.length + i) % LAST.length]!;
    const suffix = i >= FIRST.length ? String(Math.floor(i / FIRST.length) + 1) : '';
    const email = `${first}.${last}${suffix}@${DEMO_DOMAIN}`.toLowerCase();
    let role: Role = 'staff';
    if (i < 2) role = 'admin';
    else if (i < 4) role = 'helpdesk';
    else if (i % 10 === 4) role = 'traveller';
    else if (i % 20 === 5) role = 'border';
    const base = pickHome(rng);
    const user: DemoUser = {
      index: i,
      id: `5b${rng.hex(22)}`,
      name: `${first} ${last}${suffix ? ` ${suffix}` : ''}`,
      email,
      role,
      home: base.home,
      jitter: base.jitter,
      away: [],
      tokenJob: i % 15 === 6,
    };
    if (role === 'admin') user.home = i === 0 ? 'london' : 'berlin';
    if (role === 'helpdesk') user.home = i === 2 ? 'newYork' : 'london';
    if (user.home !== base.home) user.jitter = HOMES.find((h) => h.home === user.home)?.jitter ?? [];
    if (role === 'traveller') {
      const route = ROUTES[Math.floor(i / 10) % ROUTES.length]!;
      user.home = route.home;
      user.jitter = [];
      user.away = [...route.away];
    }
    if (role === 'border') {
      user.home = 'geneva';
      user.jitter = [];
      user.away = ['annemasse'];
    }
    users.push(user);
  }
  return users;
}

/** A stable IP for this user at this place. */
export function ipFor(user: DemoUser, place: Place): string {
  return `${place.ipPrefix}.${(user.index * 7) % 250 + 1}.${(user.index * 13 + place.lat * 10) % 250 | 0 || 1}`;
}

export function place(name: PlaceName): Place {
  return PLACES[name];
}

/** Hours to add to UTC to get local time (rough time zone from longitude). */
export function utcOffsetHours(p: Place): number {
  return Math.round(p.lon / 15);
}
