import type { Alert } from '../../src/domain/index.js';

// Alert facts as the detections write them (src/detections/impossible-travel.ts, infrequent-country.ts).
const H = 3_600_000;
const T = Date.UTC(2026, 10, 21, 14, 0);

export const TOKYO = { lat: 35.69, lon: 139.69, cc: 'JP', place: 'Tokyo, Japan' };
export const LOS_ANGELES = { lat: 34.05, lon: -118.24, cc: 'US', place: 'Los Angeles, United States' };

type Facts = Pick<Alert, 'id' | 'detection' | 'facts'>;

export function travel(id: string, from: Record<string, unknown>, to: Record<string, unknown>, minutes: number, km: number): Facts {
  return {
    id,
    detection: 'impossible-travel',
    facts: { from: { ...from, t: T - minutes * 60_000, rough: false }, to: { ...to, t: T, rough: false }, distanceKm: km, minutes, speedKmh: Math.round(km / (minutes / 60)) },
  };
}

export const TRIPS = {
  tokyoLosAngeles: travel('al_tokyo_la', TOKYO, LOS_ANGELES, 125, 8_815),
  berlinSaoPaulo: travel('al_ber_sao', { lat: 52.52, lon: 13.4, cc: 'DE', place: 'Berlin, Germany' }, { lat: -23.55, lon: -46.63, cc: 'BR', place: 'São Paulo, Brazil' }, 40, 10_000),
  londonSydney: travel('al_lon_syd', { lat: 51.51, lon: -0.13, cc: 'GB', place: 'London, United Kingdom' }, { lat: -33.87, lon: 151.21, cc: 'AU', place: 'Sydney, Australia' }, 60, 16_990),
  dublinParis: travel('al_dub_par', { lat: 53.35, lon: -6.26, cc: 'IE', place: 'Dublin, Ireland' }, { lat: 48.86, lon: 2.35, cc: 'FR', place: 'Paris, France' }, 20, 780),
  newCountry: {
    id: 'al_new_ru',
    detection: 'infrequent-country',
    facts: {
      country: 'RU',
      countryName: 'Russia',
      usualCountries: ['US'],
      orgKnown: false,
      to: { lat: 55.75, lon: 37.62, cc: 'RU', place: 'Moscow, Russia', t: T, rough: false },
      previous: { country: 'US', at: T - 3 * 24 * H },
    },
  },
} satisfies Record<string, Facts>;
