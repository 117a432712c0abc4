import type { NormalizedEvent } from '../../domain/index.js';
import type { DetectionSettings } from '../types.js';
import { isFailedLoginEvent, isInteractive } from './event.js';

/**
 * A successful interactive sign-in: `user_login`, or an action whose display name says the user logged or signed
 * in (and did not fail). Other interactive activity is not a sign-in.
 */
export function isSuccessfulLogin(e: NormalizedEvent): boolean {
  if (!isInteractive(e)) return false;
  if (e.action === 'user_login') return true;
  const name = e.actionName ?? '';
  return /^(logged|signed)\s*in\b/i.test(name) && !/\bas\b|fail/i.test(name);
}

/** A failed login with a source IP: what the spray and distributed brute-force detections count. */
export function failedLoginIp(e: NormalizedEvent): string | undefined {
  return isFailedLoginEvent(e) ? e.location?.ip || undefined : undefined;
}

/**
 * The network an address stands for when counting distinct sources: the IPv4 address itself, or the /64 of an
 * IPv6 address (privacy extensions give one device a new address within its /64 every few hours).
 */
export function sourceNetwork(ip: string): string {
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** "a, b, c and 9 more" — a capped list for a card. */
export function cappedList(items: readonly string[], max: number): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** The detection's IP exclusions (as the engine applies them): for counting only the sources that are not excluded. */
export function ipExcluded(ip: string, s: Pick<DetectionSettings, 'excludeIps' | 'excludeIp'>): boolean {
  return s.excludeIps.length > 0 && (s.excludeIp ? s.excludeIp(ip) : s.excludeIps.includes(ip));
}
