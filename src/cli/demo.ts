import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { VigilApp } from '../app.js';
import type { Config } from '../config/index.js';
import { createDemoOrg } from '../demo/generate.js';
import type { NormalizedEvent } from '../domain/index.js';
import { normalizeAtlassianEvent } from '../sources/atlassian/normalize.js';
import { openInput, readEvents } from '../sources/file.js';

const DAY = 86_400_000;

/** Write the demo org's anonymiser and threat-intel lists to files and point the config at them. */
export async function prepareDemoConfig(cfg: Config, now: number): Promise<{ cfg: Config; start: number }> {
  const start = Math.floor((now - 30 * DAY) / DAY) * DAY;
  if (cfg.core.VIGIL_DEMO_FILE) return { cfg, start };
  const org = createDemoOrg({ start });
  const dir = path.join(os.tmpdir(), 'vigil-demo');
  await mkdir(dir, { recursive: true });
  const anon = path.join(dir, 'demo-tor-exits.txt');
  const susp = path.join(dir, 'demo-threat-intel.txt');
  await writeFile(anon, org.lists.anonymous);
  await writeFile(susp, org.lists.suspicious);
  return {
    start,
    cfg: {
      ...cfg,
      detection: {
        ...cfg.detection,
        VIGIL_ANONYMOUS_IP_LISTS: [...cfg.detection.VIGIL_ANONYMOUS_IP_LISTS, anon],
        VIGIL_SUSPICIOUS_IP_LISTS: [...cfg.detection.VIGIL_SUSPICIOUS_IP_LISTS, susp],
      },
    },
  };
}

/** Feed the bundled demo month (or VIGIL_DEMO_FILE) through the real pipeline, page by page, like a sweep would. */
export async function runDemo(app: VigilApp, cfg: Config, start: number): Promise<{ events: number; alerts: number }> {
  let page: NormalizedEvent[] = [];
  let events = 0;
  const alertIds = new Set<string>();
  const flush = async () => {
    const r = await app.pipeline.ingest(page, { watermark: page.at(-1)?.processedAt });
    for (const a of r.alerts) alertIds.add(a.id);
    events += r.processed;
    page = [];
  };
  const raws: AsyncIterable<unknown> | Iterable<unknown> = cfg.core.VIGIL_DEMO_FILE
    ? (async function* () {
        for await (const item of readEvents(openInput(cfg.core.VIGIL_DEMO_FILE!), cfg.core.VIGIL_DEMO_FILE!)) yield item.value;
      })()
    : createDemoOrg({ start }).events();
  for await (const raw of raws) {
    const n = normalizeAtlassianEvent(raw, 'demo');
    if (!n.ok) {
      app.log.warn({ eventId: n.id, reason: n.reason }, 'skipped a malformed demo event');
      continue;
    }
    page.push(n.event);
    if (page.length >= 200) await flush();
  }
  await flush();
  await app.drain();
  return { events, alerts: alertIds.size };
}
