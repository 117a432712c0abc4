import { z } from 'zod';
import type { Store } from '../store/store.js';

/** Last known state of each integration's credentials (atlassian, graph, slack, teams, jira). */
export const CredentialStates = z.record(z.string(), z.object({ ok: z.boolean(), at: z.number(), detail: z.string().optional() }));
export type CredentialStates = z.infer<typeof CredentialStates>;

const META = 'credentials';

export async function readCredentials(store: Store): Promise<CredentialStates> {
  return (await store.getMeta(META, CredentialStates)) ?? {};
}

/**
 * Remember whether an integration's credentials worked the last time they were used (the doctor, a sweep
 * answered 401, a Graph token request failed). /readyz reports any that failed. Never store the secret.
 */
export function recordCredential(store: Store, name: string, state: { ok: boolean; detail?: string }, now: number = Date.now()): Promise<void> {
  return store.exclusive(async () => {
    const all = await readCredentials(store).catch(() => ({}) as CredentialStates);
    all[name] = { ok: state.ok, at: now, ...(state.detail ? { detail: state.detail.slice(0, 300) } : {}) };
    await store.setMeta(META, all);
  });
}
