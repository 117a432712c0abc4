import { reviveOrg } from '../detections/engine.js';
import { learnFromHistory, learningKey, newLearning, readLearning, type LearnOptions, type LearningRecord } from './learn.js';
import { loadActionNames } from './sweep.js';

/**
 * `vigil learn --since 30d`: learn from history on demand, raising no alert. An unfinished learning run (a first
 * start that was stopped) is continued as it was fixed. Otherwise a new window ends where Vigil's knowledge
 * begins: the org's first event seen when the store is live (the live sweep position is never touched, so
 * nothing is read twice into the baselines), or now on an empty store (then the live sweep takes over from it).
 */
export async function learnOnDemand(o: Omit<LearnOptions, 'names'>, sinceMs: number): Promise<LearningRecord> {
  const now = (o.now ?? Date.now)();
  let rec = await readLearning(o.store, o.orgId);
  if (rec && rec.finishedAt === undefined) {
    o.log.info({ from: new Date(rec.from).toISOString(), to: new Date(rec.to).toISOString() }, 'continuing the learning run already started (its window stays as it was fixed)');
  } else {
    const cp = await o.store.getCheckpoint(o.orgId);
    const live = Boolean(cp?.cursor || cp?.watermark);
    const known = live ? reviveOrg((await o.store.loadStateRecords(o.orgId, [], [])).org)?.first : undefined;
    rec = newLearning(now, sinceMs, !live, live ? Math.min(now, known ?? cp?.watermark ?? now) : now);
    await o.store.setMeta(learningKey(o.orgId), rec);
    o.log.info({ from: new Date(rec.from).toISOString(), to: new Date(rec.to).toISOString() }, 'learning from the audit history (no alerts from it)');
  }
  const names = await loadActionNames(o);
  while (rec.finishedAt === undefined && !o.signal?.aborted) {
    const before = rec.pages;
    rec = await learnFromHistory({ ...o, names }, rec);
    if (rec.pages === before) break; // nothing read (stopped): do not spin
  }
  return rec;
}
