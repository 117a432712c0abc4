import { activity, countryOf, isInteractive, iso, recentCountries, where, who } from './lib/event.js';
import type { NormalizedEvent } from '../domain/index.js';
import type { Detection, Sensitivity } from './types.js';

const DAY = 86_400_000;

/** How far back the user's (and at low sensitivity the org's) country history reaches. */
export const COUNTRY_LEVELS: Record<Sensitivity, { userDays: number; orgMustBeNew: boolean }> = {
  low: { userDays: 30, orgMustBeNew: true },
  medium: { userDays: 30, orgMustBeNew: false },
  high: { userDays: 7, orgMustBeNew: false },
};

/**
 * Interactive activity from a country the user has not used in the baseline (30 days; 7 at high sensitivity;
 * at low sensitivity the whole org must not have used it either). A missing location is unknown, never new.
 * The engine keeps the country history (only interactive activity counts), including during learning.
 */
export const infrequentCountry: Detection = {
  id: 'infrequent-country',
  title: 'Activity from an infrequent country',
  severity: 'medium',
  mitre: ['T1078', 'TA0001'],
  runbook:
    'Ask the user (or their manager) whether they are travelling. If not, require re-sign-in and review the session; suspend if the activity continues.',
  windowMs: 24 * 3_600_000,
  needsBaseline: true,
  accepts: (e) => countryOf(e) !== undefined && !e.intel?.trusted && isInteractive(e),
  evaluate(event, _state, ctx) {
    const cc = countryOf(event)!;
    const lvl = COUNTRY_LEVELS[ctx.settings.sensitivity];
    const userLast = ctx.userCountries[cc];
    if (userLast !== undefined && userLast >= event.time - lvl.userDays * DAY) return [];
    const orgLast = ctx.orgCountries[cc];
    const orgKnown = orgLast !== undefined && orgLast >= event.time - 30 * DAY;
    if (lvl.orgMustBeNew && orgKnown) return [];
    const usual = recentCountries(ctx.userCountries, event.time, 30 * DAY).filter((c) => c !== cc);
    const country = event.location?.countryName ?? cc;
    return [
      {
        title: `${who(event)}: activity from ${country}, a country they have not used recently`,
        summary: `${who(event)} performed "${activity(event)}" from ${where(event)} (${event.location?.ip ?? 'no IP'}). Usual countries: ${usual.join(', ') || 'none'}.`,
        evidence: [
          { label: 'New country', value: `${country} (${cc})` },
          { label: 'Location', value: `${where(event)}${event.location?.ip ? `, ${event.location.ip}` : ''}` },
          { label: 'Usual countries (30 d)', value: usual.join(', ') || 'none' },
          { label: 'Last used by the user', value: userLast !== undefined ? iso(userLast) : 'never (in the baseline)' },
          { label: 'Used elsewhere in the org (30 d)', value: orgKnown ? 'yes' : 'no' },
          { label: 'Activity', value: activity(event) },
        ],
        facts: { country: cc, countryName: event.location?.countryName, ip: event.location?.ip, usualCountries: usual, orgKnown, ...mapFacts(event, cc, usual[0], ctx.userCountries) },
        eventIds: [event.id],
        time: event.time,
        event,
      },
    ];
  },
};

/** For the card's map: where the activity was (when geolocated) and the user's most recent other country. */
function mapFacts(event: NormalizedEvent, cc: string, previous: string | undefined, countries: Readonly<Record<string, number>>) {
  const l = event.location;
  return {
    ...(l?.lat !== undefined && l.lon !== undefined
      ? { to: { lat: l.lat, lon: l.lon, cc, place: where(event), t: event.time, rough: l.geoSource === 'country' } }
      : {}),
    ...(previous !== undefined && countries[previous] !== undefined ? { previous: { country: previous, at: countries[previous] } } : {}),
  };
}
