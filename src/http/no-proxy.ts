import ipaddr from 'ipaddr.js';

/**
 * The proxy settings as operators write them, with the usual semantics (curl, Go, Python, undici):
 * lowercase `https_proxy` / `no_proxy` win over the uppercase names when both are set.
 */
export interface ProxyEnv {
  HTTPS_PROXY?: string;
  https_proxy?: string;
  NO_PROXY?: string;
  no_proxy?: string;
}

export interface ProxyChoice {
  /** The forward proxy for outbound calls, or undefined: everything goes direct. */
  proxy?: string;
  /** The raw NO_PROXY list. */
  noProxy: string;
}

export function resolveProxyEnv(env: ProxyEnv): ProxyChoice {
  const pick = (lower?: string, upper?: string) => (lower?.trim() ? lower.trim() : upper?.trim() || undefined);
  return { proxy: pick(env.https_proxy, env.HTTPS_PROXY), noProxy: pick(env.no_proxy, env.NO_PROXY) ?? '' };
}

type Rule =
  | { kind: 'all' }
  | { kind: 'domain'; name: string; port?: number }
  | { kind: 'ip'; addr: ipaddr.IPv4 | ipaddr.IPv6; port?: number }
  | { kind: 'cidr'; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

export type NoProxyRules = readonly Rule[];

/** `host`, `.host`, `*.host`, `host:port`, an IP, `[v6]:port`, a CIDR range, or `*`. */
function parseEntry(raw: string): Rule | undefined {
  const entry = raw.trim().toLowerCase();
  if (!entry) return undefined;
  if (entry === '*') return { kind: 'all' };
  if (entry.includes('/')) {
    try {
      return { kind: 'cidr', range: ipaddr.parseCIDR(entry) };
    } catch {
      return undefined;
    }
  }
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return ipRule(bracketed[1]!, bracketed[2]);
  if (ipaddr.isValid(entry)) return ipRule(entry);
  const [host, port, extra] = entry.split(':');
  if (extra !== undefined || !host) return undefined;
  if (ipaddr.isValid(host)) return ipRule(host, port);
  const name = host.replace(/^\*?\.+/, '');
  if (!name) return { kind: 'all' };
  return { kind: 'domain', name, port: port ? Number(port) : undefined };
}

function ipRule(addr: string, port?: string): Rule | undefined {
  if (!ipaddr.isValid(addr)) return undefined;
  return { kind: 'ip', addr: ipaddr.process(addr), port: port ? Number(port) : undefined };
}

/** NO_PROXY entries, separated by commas or white space; entries that are not hosts are ignored. */
export function parseNoProxy(text: string): NoProxyRules {
  return text.split(/[\s,]+/).flatMap((e) => parseEntry(e) ?? []);
}

const DEFAULT_PORT: Record<string, number> = { 'https:': 443, 'wss:': 443, 'http:': 80, 'ws:': 80 };

/**
 * Whether a call to `target` goes direct. A name matches itself and every subdomain (a leading `.` or `*.`
 * means the same); an entry with a port matches that port only; IPs match exactly or by CIDR range; `*`
 * matches everything. Names are not resolved: an IP entry matches only URLs written with that IP.
 */
export function bypassesProxy(target: string | URL, rules: NoProxyRules): boolean {
  if (rules.length === 0) return false;
  let url: URL;
  try {
    url = typeof target === 'string' ? new URL(target) : target;
  } catch {
    return false;
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const port = url.port ? Number(url.port) : DEFAULT_PORT[url.protocol];
  const ip = ipaddr.isValid(host) ? ipaddr.process(host) : undefined;
  return rules.some((r) => {
    if (r.kind === 'all') return true;
    if (r.kind === 'cidr') return ip !== undefined && ip.kind() === r.range[0].kind() && ip.match(r.range);
    if (r.port !== undefined && r.port !== port) return false;
    if (r.kind === 'ip') return ip !== undefined && ip.kind() === r.addr.kind() && ip.toNormalizedString() === r.addr.toNormalizedString();
    return host === r.name || host.endsWith(`.${r.name}`);
  });
}
