import { entraSchema, type EntraEnv } from '../../src/actions/settings.js';
import type { Alert } from '../../src/domain/index.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { CLIENT_ID, CLIENT_SECRET, TENANT } from '../fakes/graph.js';
import { makeAlert as buildAlert } from '../fixtures/alert.js';

export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 5 };

export function entraEnv(extra: Record<string, string> = {}): EntraEnv {
  return entraSchema.parse({
    ENTRA_TENANT_ID: TENANT,
    ENTRA_CLIENT_ID: CLIENT_ID,
    ENTRA_CLIENT_SECRET: CLIENT_SECRET,
    ENTRA_NOTIFY_SENDER: 'security@contoso.com',
    ...extra,
  });
}

/** The alert about Adele Vance (ADELE), the user the Graph interceptors answer for. */
export const makeAlert = (over: Partial<Alert> = {}): Alert => buildAlert(over, 'entra');

export async function storeWith(alert: Alert = makeAlert()) {
  const store = createStore(createMemoryKV());
  await store.saveAlerts([alert]);
  await store.removeFromOutbox([alert.id]);
  return store;
}

/** The shared capturing logger (test/helpers/pipeline.ts): `raw` is what was written, to prove no secret is logged. */
export { captureLogger } from '../helpers/pipeline.js';

export const ALICE = { platform: 'slack' as const, id: 'U0ALICE', name: 'alice' };
export const BOB = { platform: 'slack' as const, id: 'U0BOB', name: 'bob' };
export const req = (kind: 'notify' | 'revoke-sessions' | 'suspend' | 'unsuspend' | 'dismiss', by = ALICE, alertId = 'alert-1') => ({
  alertId,
  kind,
  by,
  requestedAt: Date.UTC(2026, 10, 21, 9, 0),
});
