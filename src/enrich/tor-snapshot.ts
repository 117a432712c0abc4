/**
 * A dated snapshot shipped with the package so anonymous-IP detection works offline from the first start.
 * It is an EXCERPT, not the full list: address ranges that long-running Tor exit operators publish for their
 * relays (Zwiebelfreunde/Artikel 10, Quintex, Emerald Onion, DFRI, Foundation for Applied Privacy,
 * Hart voor Internetvrijheid), compiled on the date below. The refresh job replaces it with the Tor Project's
 * bulk exit list (VIGIL_TOR_EXIT_LIST_URL) once a day.
 */
export const TOR_SNAPSHOT_DATE = '2026-11-21';
export const TOR_SNAPSHOT_NAME = `tor-exits-snapshot-${TOR_SNAPSHOT_DATE}`;
export const TOR_SNAPSHOT = `# Tor exit operator ranges (excerpt), ${TOR_SNAPSHOT_DATE}
185.220.100.0/22
199.249.230.0/24
23.129.64.0/24
171.25.193.0/24
109.70.100.0/24
192.42.116.0/24
`;
export const TOR_BULK_EXIT_LIST_URL = 'https://check.torproject.org/torbulkexitlist';
