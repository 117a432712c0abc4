/**
 * The detection engine's state, split so that it can be stored per actor: one small org record, one record per
 * actor and one per keyed group (e.g. a policy grouped by IP). A batch loads only the records its events touch;
 * nothing here grows with the size of the org, and every per-record structure is capped.
 */

/** A map keyed by ids from outside (`__proto__`, `constructor` are ordinary keys here). */
export type Dict<T> = Record<string, T>;
export const dict = <T>(from?: Readonly<Record<string, T>>): Dict<T> => Object.assign(Object.create(null) as Dict<T>, from);

/** An open (still growing) alert, kept in state so later events extend it. */
export interface OpenAlert {
  alertId: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  revision: number;
  eventIds: string[];
}

/** Per actor: first and last activity (learning), countries used interactively, each detection's state, open alerts. */
export interface ActorRecord {
  first: number;
  last: number;
  /** Country (ISO code, else lower-case name) → latest interactive use; at most MAX_ACTOR_COUNTRIES. */
  countries: Dict<number>;
  /** Detection id → that detection's state for this actor. */
  d: Dict<unknown>;
  /** Detection id → the open alert grouped by this actor. */
  open: Dict<OpenAlert>;
}

/** A keyed detection state (slot `${detection}\0${key}`) and the open alert grouped by that key. */
export interface KeyedRecord {
  s?: unknown;
  open?: OpenAlert;
}

/** Org-wide: the engine clock (newest trusted event time), the org's first event, countries used. */
export interface OrgRecord {
  now: number;
  first?: number;
  countries: Dict<number>;
  /**
   * The org's baseline per detection that judges new actors against it (`newActors: 'org-baseline'`): day number
   * (UTC) → that detection's daily figure, the last KEEP_MS only (at most ~32 numbers per detection).
   */
  days?: Dict<Dict<number>>;
}

/** The state a batch runs against: the org record and the actor and keyed records it loaded. */
export interface EngineState {
  version: 3;
  org: OrgRecord;
  actors: Map<string, ActorRecord>;
  keyed: Map<string, KeyedRecord>;
}

/** What a batch changed: write these back (and only these). */
export interface StateChanges {
  org: OrgRecord;
  actors: Map<string, ActorRecord>;
  keyed: Map<string, KeyedRecord>;
}

export const MAX_ACTOR_COUNTRIES = 64;
export const MAX_ORG_COUNTRIES = 400;

export function initialEngineState(): EngineState {
  return { version: 3, org: { now: 0, countries: dict() }, actors: new Map(), keyed: new Map() };
}

const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const numbers = (v: unknown): Dict<number> => {
  const out = dict<number>();
  if (isObj(v)) for (const k of Object.keys(v)) if (isNum(v[k])) out[k] = v[k];
  return out;
};
const isOpen = (v: unknown): v is OpenAlert =>
  isObj(v) && typeof v.alertId === 'string' && isNum(v.firstSeen) && isNum(v.lastSeen) && isNum(v.count) && isNum(v.revision) && Array.isArray(v.eventIds);

/** A stored actor record, checked; undefined when the shape is wrong (the caller starts that actor afresh). */
export function reviveActor(raw: unknown): ActorRecord | undefined {
  if (!isObj(raw) || !isNum(raw.first) || !isNum(raw.last)) return undefined;
  const open = dict<OpenAlert>();
  if (isObj(raw.open)) for (const k of Object.keys(raw.open)) if (isOpen(raw.open[k])) open[k] = raw.open[k];
  return { first: raw.first, last: raw.last, countries: numbers(raw.countries), d: dict(isObj(raw.d) ? raw.d : undefined), open };
}

export function reviveKeyed(raw: unknown): KeyedRecord | undefined {
  if (!isObj(raw)) return undefined;
  return { ...(raw.s !== undefined ? { s: raw.s } : {}), ...(isOpen(raw.open) ? { open: raw.open } : {}) };
}

export function reviveOrg(raw: unknown): OrgRecord | undefined {
  if (!isObj(raw) || !isNum(raw.now)) return undefined;
  const days = dict<Dict<number>>();
  if (isObj(raw.days)) for (const id of Object.keys(raw.days)) days[id] = numbers(raw.days[id]);
  return { now: raw.now, ...(isNum(raw.first) ? { first: raw.first } : {}), countries: numbers(raw.countries), ...(isObj(raw.days) ? { days } : {}) };
}

/** A copy of the org's per-detection day figures (a batch changes its own copy). */
export function copyOrgDays(days: OrgRecord['days']): Dict<Dict<number>> {
  const out = dict<Dict<number>>();
  if (days) for (const id in days) out[id] = dict(days[id]);
  return out;
}

/** Whole state as plain JSON (replay snapshots, tests); `reviveEngineState` reads it back. */
export function serializeEngineState(s: EngineState): unknown {
  return { version: 3, org: s.org, actors: Object.fromEntries(s.actors), keyed: Object.fromEntries(s.keyed) };
}

export function reviveEngineState(raw: unknown): EngineState | undefined {
  if (!isObj(raw) || raw.version !== 3) return undefined;
  const org = reviveOrg(raw.org);
  if (!org || !isObj(raw.actors) || !isObj(raw.keyed)) return undefined;
  const state: EngineState = { version: 3, org, actors: new Map(), keyed: new Map() };
  for (const id of Object.keys(raw.actors)) {
    const a = reviveActor(raw.actors[id]);
    if (a) state.actors.set(id, a);
  }
  for (const slot of Object.keys(raw.keyed)) {
    const k = reviveKeyed(raw.keyed[slot]);
    if (k) state.keyed.set(slot, k);
  }
  return state;
}

/** Record `t` for `key` in a capped "latest use" map: at the cap, the least recently used entry goes. */
export function touchCapped(map: Dict<number>, key: string, t: number, cap: number): void {
  if ((map[key] ?? -Infinity) >= t) return;
  const had = key in map;
  map[key] = t;
  if (had) return;
  let size = 0;
  let oldest: string | undefined;
  for (const k in map) {
    size++;
    if (oldest === undefined || map[k]! < map[oldest]!) oldest = k;
  }
  if (size > cap && oldest !== undefined) delete map[oldest];
}

/** Apply a batch's changes to a state the caller owns (replay keeps one state for a whole file). */
export function applyChanges(state: EngineState, changes: StateChanges): void {
  state.org = changes.org;
  for (const [id, rec] of changes.actors) state.actors.set(id, rec);
  for (const [slot, rec] of changes.keyed) state.keyed.set(slot, rec);
}
