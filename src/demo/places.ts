/** Places the demo org works from. Coordinates are real; IP prefixes are illustrative per country. */
export interface Place {
  city: string;
  region: string;
  country: string;
  lat: number;
  lon: number;
  /** First two octets used for residential/office IPs geolocated here. */
  ipPrefix: string;
}

const p = (city: string, region: string, country: string, lat: number, lon: number, ipPrefix: string): Place => ({
  city,
  region,
  country,
  lat,
  lon,
  ipPrefix,
});

export const PLACES = {
  berlin: p('Berlin', 'Land Berlin', 'Germany', 52.52, 13.405, '91.64'),
  munich: p('Munich', 'Bavaria', 'Germany', 48.137, 11.575, '91.65'),
  frankfurt: p('Frankfurt am Main', 'Hesse', 'Germany', 50.11, 8.682, '91.66'),
  hamburg: p('Hamburg', 'Hamburg', 'Germany', 53.551, 9.993, '91.67'),
  london: p('London', 'England', 'United Kingdom', 51.507, -0.128, '81.2'),
  manchester: p('Manchester', 'England', 'United Kingdom', 53.48, -2.242, '81.3'),
  paris: p('Paris', 'Île-de-France', 'France', 48.857, 2.352, '90.80'),
  lyon: p('Lyon', 'Auvergne-Rhône-Alpes', 'France', 45.764, 4.836, '90.81'),
  annemasse: p('Annemasse', 'Auvergne-Rhône-Alpes', 'France', 46.193, 6.234, '90.82'),
  geneva: p('Geneva', 'Geneva', 'Switzerland', 46.204, 6.143, '85.0'),
  zurich: p('Zurich', 'Zurich', 'Switzerland', 47.377, 8.541, '85.1'),
  amsterdam: p('Amsterdam', 'North Holland', 'Netherlands', 52.37, 4.89, '84.24'),
  newYork: p('New York', 'New York', 'United States', 40.713, -74.006, '73.10'),
  boston: p('Boston', 'Massachusetts', 'United States', 42.36, -71.059, '73.11'),
  sanFrancisco: p('San Francisco', 'California', 'United States', 37.775, -122.419, '73.12'),
  seattle: p('Seattle', 'Washington', 'United States', 47.606, -122.332, '73.13'),
  chicago: p('Chicago', 'Illinois', 'United States', 41.878, -87.63, '73.14'),
  ashburn: p('Ashburn', 'Virginia', 'United States', 39.044, -77.488, '52.4'),
  toronto: p('Toronto', 'Ontario', 'Canada', 43.653, -79.383, '99.230'),
  madrid: p('Madrid', 'Madrid', 'Spain', 40.417, -3.704, '88.0'),
  lisbon: p('Lisbon', 'Lisbon', 'Portugal', 38.722, -9.139, '89.152'),
  warsaw: p('Warsaw', 'Masovia', 'Poland', 52.23, 21.012, '83.0'),
  bangalore: p('Bengaluru', 'Karnataka', 'India', 12.972, 77.595, '49.36'),
  singapore: p('Singapore', 'Singapore', 'Singapore', 1.352, 103.82, '116.86'),
  tokyo: p('Tokyo', 'Tokyo', 'Japan', 35.676, 139.65, '126.0'),
  sydney: p('Sydney', 'New South Wales', 'Australia', -33.869, 151.209, '1.120'),
  saoPaulo: p('São Paulo', 'São Paulo', 'Brazil', -23.55, -46.633, '177.32'),
  lagos: p('Lagos', 'Lagos', 'Nigeria', 6.524, 3.379, '105.112'),
  bucharest: p('Bucharest', 'Bucharest', 'Romania', 44.426, 26.103, '86.120'),
} as const;

export type PlaceName = keyof typeof PLACES;

/** Home offices and the same-country places an ISP may geolocate their users to (geolocation jitter). */
export const HOMES: Array<{ home: PlaceName; jitter: PlaceName[]; weight: number }> = [
  { home: 'berlin', jitter: ['hamburg', 'frankfurt'], weight: 5 },
  { home: 'munich', jitter: ['frankfurt'], weight: 3 },
  { home: 'london', jitter: ['manchester'], weight: 5 },
  { home: 'paris', jitter: ['lyon'], weight: 3 },
  { home: 'amsterdam', jitter: [], weight: 2 },
  { home: 'newYork', jitter: ['boston', 'chicago'], weight: 4 },
  { home: 'sanFrancisco', jitter: ['seattle'], weight: 4 },
  { home: 'toronto', jitter: [], weight: 1 },
  { home: 'madrid', jitter: [], weight: 1 },
  { home: 'warsaw', jitter: [], weight: 1 },
  { home: 'bangalore', jitter: [], weight: 2 },
  { home: 'zurich', jitter: [], weight: 1 },
];

/** Tor exit relays (demo snapshot, dated) — all geolocate to Germany. */
export const DEMO_TOR_EXITS = ['185.220.101.14', '185.220.101.47', '185.220.100.240', '185.220.102.8'];
/** Threat-intel list entries (demo): a password-spray range and single IPs. */
export const DEMO_SUSPICIOUS = ['45.155.205.0/24', '193.142.146.35'];
/** Cloud region the API-token jobs run from (AWS us-east-1, Ashburn VA). */
export const CLOUD_JOB_IP_PREFIX = '52.4';
