import type { Config } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { checkKeyExpiry } from './key-expiry.js';
import { pruneHistory } from './retention.js';

/** Daily housekeeping: retention, and the API key expiry warnings (14, 7 and 1 days before) posted as a notice. */
export function createHousekeeping(deps: { cfg: Config; store: Store; log: Logger; channelNames: () => string[]; notice: (text: string) => Promise<void> }) {
  return async function housekeeping(): Promise<void> {
    const { cfg, store, log } = deps;
    const r = await pruneHistory({ store, days: cfg.core.VIGIL_RETENTION_DAYS, channels: deps.channelNames() });
    if (r.removed > 0) log.info(r, 'alert history older than the retention period removed');
    await checkKeyExpiry({
      store,
      expires: cfg.core.ATLASSIAN_API_KEY_EXPIRES,
      warn: async (w) => {
        log.warn({ daysLeft: w.daysLeft }, w.message);
        await deps.notice(w.message);
      },
    });
  };
}
