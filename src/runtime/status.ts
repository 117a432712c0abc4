import type { StatusInfo } from '../chat-commands/index.js';
import type { Config } from '../config/index.js';
import type { Store } from '../store/store.js';
import { describeLearning, readLearning } from '../pipeline/learn.js';

/** What `/vigil status` and the Teams status command report: store, cursor age, and each integration. */
export function createStatusProvider(deps: { cfg: Config; store: Store; orgId: string; channelNames: () => string[] }): () => Promise<StatusInfo> {
  const { cfg, store, orgId } = deps;
  return async () => {
    const cp = await store.getCheckpoint(orgId).catch(() => undefined);
    const learning = await readLearning(store, orgId).catch(() => undefined);
    return {
      ...(learning ? { learning: describeLearning(learning) } : {}),
      store: store.kind,
      cursorUpdatedAt: cp?.updatedAt || undefined,
      integrations: [
        { name: 'atlassian', ok: !cfg.demo, detail: cfg.demo ? 'demo mode (no ATLASSIAN_API_KEY)' : `org ${orgId}` },
        ...deps.channelNames().map((name) => ({ name, ok: true })),
        { name: 'entra-id', ok: Boolean(cfg.entra.ENTRA_CLIENT_ID), detail: cfg.entra.ENTRA_CLIENT_ID ? undefined : 'not configured' },
      ],
      demo: cfg.demo,
      dryRun: cfg.core.VIGIL_DRY_RUN,
    };
  };
}
