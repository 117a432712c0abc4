/**
 * A store to try `vigil report` on: the bundled demo month run through the real pipeline into a SQLite file, then
 * responder work simulated on its alerts (seeded, so the same on every machine). Used for the rendering
 * in docs/report.md:
 *   npx tsx scripts/report-sample.ts /tmp/vigil-report.sqlite
 *   VIGIL_STORE_URL=sqlite:///tmp/vigil-report.sqlite node bin/vigil.js report --since 30d
 *
 * What is simulated, and how: every alert is taken as raised at its last event (as a live sweep raises it within
 * minutes; the demo ingests the month in seconds); responders then acknowledge, contain (revoke sessions or
 * suspend) or dismiss with a reason, as the actions layer records them (outcome, audit line, alert status).
 */
import { createApp } from '../src/app.js';
import { prepareDemoConfig, runDemo } from '../src/cli/demo.js';
import { loadConfig } from '../src/config/index.js';
import { createRng, type Rng } from '../src/demo/prng.js';
import type { ActionKind, Alert } from '../src/domain/index.js';
import { createLogger } from '../src/log.js';
import type { Store } from '../src/store/store.js';

const MIN = 60_000;
const RESPONDERS = [
  { platform: 'slack' as const, id: 'U0ALICE', name: 'alice' },
  { platform: 'teams' as const, id: 'aad-bob', name: 'Bob (SOC)' },
];
/** Detections whose alerts this org's responders mostly find expected (travel to a branch office, a VPN). */
const NOISY = new Set(['infrequent-country', 'anonymous-ip']);

async function act(store: Store, a: Alert, rng: Rng, kind: ActionKind, at: number, reason?: string): Promise<void> {
  const by = rng.pick(RESPONDERS);
  const label = `${by.name} (${by.platform}:${by.id})`;
  await store.appendAudit({ at: at - 2000, alertId: a.id, what: kind, by: label, outcome: 'requested', detail: reason ? { reason } : {} });
  await store.saveActionOutcome({ alertId: a.id, kind, status: 'done', message: `${kind} done`, by, at, requestIds: [], warnings: [] });
  await store.appendAudit({ at, alertId: a.id, what: kind, by: label, outcome: 'done', detail: reason ? { reason } : {} });
}

/** One alert's week: acknowledged, contained, dismissed or left open. */
async function respond(store: Store, a: Alert, rng: Rng): Promise<void> {
  const raised = a.lastSeen;
  const p = rng.next();
  const noisy = NOISY.has(a.detection);
  const ack = raised + rng.int(2, 45) * MIN;
  if (p < 0.15) return void (await store.updateAlert(a.id, (x) => ({ ...x, createdAt: raised })));
  if (noisy ? p < 0.85 : p < 0.45) {
    const reason = rng.pick(noisy ? ['False positive', 'Expected activity (benign): branch office', 'Expected activity (benign)', 'Duplicate of another alert'] : ['False positive', 'Duplicate of another alert', 'Other: test account']);
    await act(store, a, rng, 'dismiss', ack + rng.int(1, 180) * MIN, reason);
    return void (await store.updateAlert(a.id, (x) => ({ ...x, createdAt: raised, status: 'dismissed' })));
  }
  const by = rng.pick(RESPONDERS);
  await store.appendAudit({ at: ack, alertId: a.id, what: 'acknowledge', by: `${by.name} (${by.platform}:${by.id})`, outcome: 'done', detail: {} });
  if (p < 0.7 || a.actor.id.startsWith('ip:')) return void (await store.updateAlert(a.id, (x) => ({ ...x, createdAt: raised, status: 'acknowledged', owner: { who: by, at: ack } })));
  const kind = rng.chance(0.6) ? 'revoke-sessions' : 'suspend';
  await act(store, a, rng, kind, ack + rng.int(5, 240) * MIN);
  await store.updateAlert(a.id, (x) => ({ ...x, createdAt: raised, status: 'actioned', owner: { who: by, at: ack } }));
}

async function main(file: string): Promise<void> {
  const log = createLogger('warn');
  const base = loadConfig({ VIGIL_STORE_URL: `sqlite://${file}`, VIGIL_DEMO: 'true', VIGIL_REPORT_CRON: 'off', LOG_LEVEL: 'warn' });
  const { cfg, start } = await prepareDemoConfig(base, Date.now());
  const app = await createApp(cfg, log, { http: false, channels: [] });
  try {
    const r = await runDemo(app, cfg, start);
    const rng = createRng(20261123);
    const index = (await app.store.listAlertIndex()).sort((x, y) => x.id.localeCompare(y.id));
    for (const e of index) {
      const a = await app.store.getAlert(e.id);
      if (a) await respond(app.store, a, rng);
    }
    process.stdout.write(`${r.alerts} demo alerts from ${r.events} events in ${file}, with simulated responder work\n`);
  } finally {
    await app.stop();
  }
}

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: npx tsx scripts/report-sample.ts <sqlite file>\n');
  process.exit(2);
}
await main(file);
