import { z } from 'zod';

/**
 * Tolerant schemas for the Organizations audit-log API (events and events-stream share the envelope).
 * Unknown keys pass; optional parts may be null. A malformed event is reported and skipped by the caller,
 * never failing the page.
 */
const nullish = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);

export const RawActor = z.looseObject({
  id: nullish(z.string()),
  name: nullish(z.string()),
  email: nullish(z.string()),
  auth: nullish(
    z.looseObject({ authType: nullish(z.string()), tokenId: nullish(z.string()), tokenLabel: nullish(z.string()), tokenName: nullish(z.string()) }),
  ),
  onBehalfOf: nullish(z.looseObject({ id: nullish(z.string()), name: nullish(z.string()), email: nullish(z.string()) })),
});

const RawRef = z.looseObject({
  id: nullish(z.union([z.string(), z.number()]).transform(String)),
  type: nullish(z.string()),
  attributes: nullish(z.record(z.string(), z.unknown())),
});

export const RawLocation = z.looseObject({
  ip: nullish(z.string()),
  geo: nullish(z.string()),
  countryName: nullish(z.string()),
  regionName: nullish(z.string()),
  city: nullish(z.string()),
});

export const RawEvent = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  type: nullish(z.string()),
  attributes: z.looseObject({
    time: z.string().min(1),
    processedAt: nullish(z.string()),
    action: z.string().min(1),
    actor: nullish(RawActor),
    context: nullish(z.array(RawRef)),
    container: nullish(z.array(RawRef)),
    location: nullish(RawLocation),
  }),
  message: nullish(z.looseObject({ content: nullish(z.string()), format: nullish(z.string()) })),
});
export type RawEvent = z.infer<typeof RawEvent>;

/** The page envelope; events stay `unknown` here and are parsed one by one. */
export const EventPage = z.looseObject({
  data: z.array(z.unknown()),
  meta: nullish(z.looseObject({ next: nullish(z.string()), page_size: nullish(z.number()) })),
  links: nullish(z.looseObject({ next: nullish(z.string()), self: nullish(z.string()) })),
});
export type EventPage = z.infer<typeof EventPage>;

export const EventActionsPage = z.looseObject({
  data: z.array(
    z.looseObject({
      id: z.string(),
      attributes: nullish(z.looseObject({ displayName: nullish(z.string()), groupDisplayName: nullish(z.string()) })),
    }),
  ),
  meta: nullish(z.looseObject({ next: nullish(z.string()) })),
  links: nullish(z.looseObject({ next: nullish(z.string()) })),
});
export type EventActionsPage = z.infer<typeof EventActionsPage>;

// ---- Fast path (added for `vigil replay` throughput; see bench/run.ts) ---------------------------------------
// zod's parse of RawEvent costs ~25 µs an event, most of the replay budget. Almost every event is already in
// the canonical form RawEvent produces (strings, no nulls, string ids), and for such input the parsed value
// deep-equals the input. This check accepts exactly that form; anything else (nulls, numeric ids, wrong types)
// goes through zod as before, so behaviour and error messages do not change.
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const optStr = (v: unknown) => v === undefined || typeof v === 'string';
const strFields = (o: Obj, keys: readonly string[]) => keys.every((k) => optStr(o[k]));
const optObj = (v: unknown, keys: readonly string[]) => v === undefined || (isObj(v) && strFields(v, keys));
const refs = (v: unknown) =>
  v === undefined ||
  (Array.isArray(v) && v.every((r) => isObj(r) && optStr(r.id) && optStr(r.type) && (r.attributes === undefined || isObj(r.attributes))));

export function isCanonicalRawEvent(raw: unknown): raw is RawEvent {
  if (!isObj(raw) || typeof raw.id !== 'string' || raw.id === '' || !optStr(raw.type)) return false;
  const a = raw.attributes;
  if (!isObj(a) || typeof a.time !== 'string' || a.time === '' || typeof a.action !== 'string' || a.action === '' || !optStr(a.processedAt))
    return false;
  const actor = a.actor;
  if (actor !== undefined) {
    if (!isObj(actor) || !strFields(actor, ['id', 'name', 'email'])) return false;
    if (!optObj(actor.auth, ['authType', 'tokenId', 'tokenLabel', 'tokenName']) || !optObj(actor.onBehalfOf, ['id', 'name', 'email'])) return false;
  }
  return (
    refs(a.context) &&
    refs(a.container) &&
    optObj(a.location, ['ip', 'geo', 'countryName', 'regionName', 'city']) &&
    optObj(raw.message, ['content', 'format'])
  );
}
