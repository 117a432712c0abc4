import { configureDetections } from '../../src/detections/configure.js';
import { initialEngineState, runDetections, type EngineState } from '../../src/detections/engine.js';
import type { SettingsOverride } from '../../src/detections/settings.js';
import type { AnyDetection, Sensitivity } from '../../src/detections/types.js';
import type { Alert, NormalizedEvent } from '../../src/domain/index.js';
import { parseIpList } from '../../src/enrich/ip-lists.js';

export interface RunOptions {
  sensitivity?: Sensitivity;
  /** Only these detection ids (default: all built-in + default pack). */
  only?: string[];
  overrides?: Record<string, SettingsOverride>;
  exclude?: { users?: string[]; ips?: string[]; sites?: string[] };
  state?: EngineState;
  extra?: AnyDetection[];
}

/** Run events (sorted by time, like the pipeline) and return the final version of every alert. */
export function run(events: NormalizedEvent[], o: RunOptions = {}): { alerts: Alert[]; state: EngineState } {
  const opts = configureDetections({
    sensitivity: o.sensitivity ?? 'medium',
    policy: { ...(o.overrides ? { detections: o.overrides } : {}), ...(o.exclude ? { exclude: o.exclude } : {}) },
    compileIps: (l) => parseIpList('x', l.join('\n')).list.has,
  });
  const detections = [...opts.detections, ...(o.extra ?? [])].filter((d) => !o.only || o.only.includes(d.id));
  const r = runDetections([...events].sort((a, b) => a.time - b.time), o.state ?? initialEngineState(), { detections, settings: opts.settings });
  return r;
}

/** Feed events one at a time in the given (arrival) order, carrying state: how late events reach the engine. */
export function runInArrivalOrder(events: NormalizedEvent[], o: RunOptions = {}): Alert[] {
  let state = o.state ?? initialEngineState();
  const alerts = new Map<string, Alert>();
  for (const e of events) {
    const r = run([e], { ...o, state });
    state = r.state;
    for (const a of r.alerts) alerts.set(a.id, a);
  }
  return [...alerts.values()];
}

export const ids = (alerts: Alert[], detection: string) => alerts.filter((a) => a.detection === detection);
