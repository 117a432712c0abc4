import ipaddr from 'ipaddr.js';

/**
 * A set of IPs and CIDR ranges (IPv4 and IPv6) with O(prefix lengths) lookups: addresses are masked per
 * prefix length present in the list and looked up in a hash set.
 */
export interface IpList {
  readonly name: string;
  readonly size: number;
  has(ip: string): boolean;
}

export interface ParseProblem {
  line: number;
  text: string;
  reason: string;
}

function toBits(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  return addr
    .toByteArray()
    .map((b) => b.toString(2).padStart(8, '0'))
    .join('');
}

function normalise(ip: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  const a = ipaddr.parse(ip);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) return (a as ipaddr.IPv6).toIPv4Address();
  return a;
}

/**
 * Parse list text: one IP or CIDR a line, `#` comments, blank lines ignored. Bad lines are returned as
 * problems (the caller logs them) and never stop the rest of the list from loading.
 */
export function parseIpList(name: string, text: string): { list: IpList; problems: ParseProblem[] } {
  const byPrefix = new Map<number, Set<string>>(); // key: `${kind}/${prefix}` encoded as number offset
  const problems: ParseProblem[] = [];
  let size = 0;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const entry = raw.replace(/#.*$/, '').trim().split(/[\s,;]+/)[0] ?? '';
    if (!entry) continue;
    try {
      let addr: ipaddr.IPv4 | ipaddr.IPv6;
      let prefix: number;
      if (entry.includes('/')) {
        const [a, p] = ipaddr.parseCIDR(entry);
        addr = a;
        prefix = p;
      } else {
        const a = normalise(entry);
        if (!a) throw new Error('not an IP address or CIDR');
        addr = a;
        prefix = a.kind() === 'ipv4' ? 32 : 128;
      }
      const slot = (addr.kind() === 'ipv4' ? 0 : 200) + prefix;
      const set = byPrefix.get(slot) ?? new Set<string>();
      set.add(toBits(addr).slice(0, prefix));
      byPrefix.set(slot, set);
      size++;
    } catch (err) {
      problems.push({ line: i + 1, text: raw.slice(0, 100), reason: (err as Error).message });
    }
  }
  const slots = [...byPrefix.entries()].sort((a, b) => b[0] - a[0]);
  return {
    problems,
    list: {
      name,
      size,
      has(ip: string) {
        const a = normalise(ip);
        if (!a) return false;
        const bits = toBits(a);
        const base = a.kind() === 'ipv4' ? 0 : 200;
        for (const [slot, set] of slots) {
          if (slot < base || slot > base + 128) continue;
          if (set.has(bits.slice(0, slot - base))) return true;
        }
        return false;
      },
    },
  };
}
