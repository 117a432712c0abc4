import { COUNTRIES } from './countries-data.js';

export interface Country {
  code: string;
  name: string;
  lat: number;
  lon: number;
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

const BY_CODE = new Map<string, Country>();
const BY_NAME = new Map<string, Country>();
for (const [code, names, lat, lon] of COUNTRIES) {
  const c = { code, name: names[0]!, lat, lon };
  BY_CODE.set(code, c);
  for (const n of names) if (!BY_NAME.has(fold(n))) BY_NAME.set(fold(n), c);
}
/** Names geolocation vendors and ISO use that world-countries does not list. */
const ALIASES: Record<string, string> = {
  'korea republic of': 'KR',
  'republic of korea': 'KR',
  'korea democratic people s republic of': 'KP',
  'russian federation': 'RU',
  'iran islamic republic of': 'IR',
  'viet nam': 'VN',
  'czech republic': 'CZ',
  turkiye: 'TR',
  'taiwan province of china': 'TW',
  'hong kong sar': 'HK',
  'macao sar': 'MO',
  'moldova republic of': 'MD',
  'tanzania united republic of': 'TZ',
  'venezuela bolivarian republic of': 'VE',
  'bolivia plurinational state of': 'BO',
  'syrian arab republic': 'SY',
  'lao people s democratic republic': 'LA',
  'united states of america': 'US',
  usa: 'US',
  uk: 'GB',
  'great britain': 'GB',
};
for (const [alias, code] of Object.entries(ALIASES)) if (!BY_NAME.has(alias) && BY_CODE.has(code)) BY_NAME.set(alias, BY_CODE.get(code)!);

/** Country by English name (as Atlassian's `countryName`), official name or common alias; case/accents ignored. */
export function countryByName(name: string | undefined): Country | undefined {
  if (!name) return undefined;
  if (cache.has(name)) return cache.get(name);
  const c = BY_NAME.get(fold(name));
  if (cache.size > 5_000) cache.clear(); // arbitrary input strings cannot grow it without bound
  cache.set(name, c);
  return c;
}
const cache = new Map<string, Country | undefined>();

export function countryByCode(code: string | undefined): Country | undefined {
  return code ? BY_CODE.get(code.toUpperCase()) : undefined;
}
