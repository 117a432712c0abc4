import type { NormalizedEvent } from '../../domain/index.js';
import { isFailedLoginEvent, isSystemActor, who } from './event.js';

/** The API token, app or AI agent behind an event: its baseline key and how a card names it. */
export interface Machine {
  /** `token:<tokenId>` (the label when there is no id) or `app:<actor id>`; at most 160 characters. */
  key: string;
  kind: 'token' | 'app';
  /** "API token ci-sync (tok-123)", "app Rovo agent acting for dana@example.com". */
  label: string;
}

const clip = (s: string) => (s.length > 150 ? s.slice(0, 150) : s);

/**
 * The token or app an event was made with, or undefined for a person's own activity, the Atlassian system actor
 * and failed logins. `actor.auth` is a token (the actor is its owner); `actor.onBehalfOf` is an app or agent (the
 * actor) acting for the principal named there.
 */
export function machineOf(e: NormalizedEvent): Machine | undefined {
  const a = e.actor;
  if ((!a.token && !a.onBehalfOf) || isSystemActor(e) || isFailedLoginEvent(e)) return undefined;
  let m = memo.get(e);
  if (m) return m;
  if (a.token) {
    const id = a.token.id?.trim();
    const name = a.token.label?.trim();
    const key = clip(id ? `token:${id}` : name ? `token:label:${name}` : `token:owner:${a.id}`);
    m = { key, kind: 'token', label: `API token ${[name, id ? `(${id})` : ''].filter(Boolean).join(' ') || 'without id'}` };
  } else {
    const principal = a.onBehalfOf!;
    const forWhom = principal.email ?? principal.name ?? principal.id;
    m = { key: clip(`app:${a.id}`), kind: 'app', label: `app ${a.name ?? a.id}${forWhom ? ` acting for ${forWhom}` : ''}` };
  }
  memo.set(e, m);
  return m;
}
const memo = new WeakMap<NormalizedEvent, Machine>();

/** "alice@example.com with API token ci-sync (tok-1)" — who did it, and with what. */
export function whoWith(e: NormalizedEvent): string {
  const m = machineOf(e);
  return m ? `${who(e)} with ${m.label}` : who(e);
}
