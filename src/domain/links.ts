import type { Alert } from './alert.js';

/**
 * Links on cards. Text from outside Vigil (a Guard Detect alert's URL, a site host) is rendered as a clickable link
 * only when it is an https URL on one of Atlassian's own hosts; anything else is not shown as a link at all (a
 * phishing link on a security alert is worse than no link). Checked where the URL enters (the source) and again
 * where it is drawn (every renderer), because alert facts are free-form.
 */
const ATLASSIAN_HOSTS = ['atlassian.com', 'atlassian.net', 'jira.com', 'atlassian-us-gov-mod.com', 'atlassian-us-gov-mod.net'];
const MAX_URL = 2000;

/** The URL as a safe href (https, an Atlassian host, no credentials, bounded), or undefined. */
export function atlassianHref(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > MAX_URL) return undefined;
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' || u.username || u.password || (u.port && u.port !== '443')) return undefined;
  const host = u.hostname.toLowerCase();
  if (!ATLASSIAN_HOSTS.some((h) => host === h || host.endsWith(`.${h}`))) return undefined;
  // `|`, `<`, `>` end a Slack link and `(`, `)` a markdown one: percent-encode what URL leaves as it is.
  return u.href.replace(/[|<>()[\]\s"'`]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A link a card shows under the alert (e.g. "Open in Guard Detect"), kept in `facts.link` by the source. */
export interface AlertLink {
  label: string;
  url: string;
}

/** The alert's link, re-checked: undefined when absent or not a safe Atlassian https URL. */
export function alertLink(alert: Pick<Alert, 'facts'>): AlertLink | undefined {
  const l = alert.facts.link as { label?: unknown; url?: unknown } | undefined;
  if (!l || typeof l !== 'object') return undefined;
  const url = atlassianHref(l.url);
  const label = typeof l.label === 'string' ? l.label.replace(/[^\p{L}\p{N} .,:'-]/gu, '').trim().slice(0, 60) : '';
  return url ? { label: label || 'Open in Atlassian', url } : undefined;
}
