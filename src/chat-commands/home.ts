import { SEVERITY_RANK, isUnresolved, type Alert, type AlertStatus, type Severity } from '../domain/index.js';
import type { AlertIndexEntry, Store, SweepSummary } from '../store/store.js';
import { alertLine } from './alerts.js';
import { buildStatus, type StatusInfo, type StatusReport } from './status.js';

/**
 * The home of a responder (Slack App Home tab, Teams `home` card): what is still open (their own first), how
 * many alerts each detection raised over 7 and 30 days, the last sweep and the health of the integrations.
 * `loadHomeData` reads the store once, bounded; `buildHome` is pure and channel-agnostic.
 */

const DAY = 86_400_000;
/** Unresolved alerts read in full per home (the newest by last seen); the index still counts every one. */
export const HOME_SCAN_LIMIT = 200;
/** Alerts listed on the home. */
export const HOME_LIST_LIMIT = 15;
/** Detections listed in the counts (the busiest over 30 days); the rest are summed into `otherDetections`. */
export const HOME_DETECTION_LIMIT = 10;

/** Who is looking: the platform and its user id, compared with `alert.owner.who` (Slack user id, Teams AAD object id). */
export interface HomeViewer {
  platform: 'slack' | 'teams';
  id: string;
}

/** What a home is built from: one read of the store and the status provider, shared by every viewer. */
export interface HomeData {
  /** The alert index (id, detection, status, last seen) of every alert the store keeps. */
  index: AlertIndexEntry[];
  /** Unresolved alerts in full, newest first, at most HOME_SCAN_LIMIT. */
  open: Alert[];
  lastSweep?: SweepSummary;
  status: StatusInfo;
}

export interface HomeAlert {
  id: string;
  title: string;
  severity: Severity;
  detection: string;
  status: AlertStatus;
  lastSeen: number;
  /** The affected Atlassian user, as a name to show. */
  who: string;
  /** The responder who owns it (acknowledged it, or was assigned it by `assignedBy`), and since when. */
  owner?: { platform: string; id: string; name?: string; at: number; assignedBy?: { platform: string; id: string; name?: string } };
  /** The viewer owns it. */
  mine: boolean;
}

export interface DetectionCount {
  detection: string;
  last7d: number;
  last30d: number;
}

export interface HomeReport {
  kind: 'home';
  /** Unresolved alerts (open, acknowledged, in progress) by the index; `listed` may be fewer. */
  openTotal: number;
  acknowledged: number;
  /** Of those read in full, how many the viewer owns. */
  mine: number;
  alerts: HomeAlert[];
  /** Alerts seen (last seen) in the last 7 and 30 days, by detection, busiest first. */
  counts: DetectionCount[];
  totals: { last7d: number; last30d: number };
  /** Detections left out of `counts` by the cap. */
  otherDetections: number;
  status: StatusReport;
  now: number;
}

const isMine = (a: Alert, v: HomeViewer) => a.owner?.who.platform === v.platform && a.owner.who.id === v.id;

function ownerOf(o: NonNullable<Alert['owner']>): NonNullable<HomeAlert['owner']> {
  const person = (p: typeof o.who) => ({ platform: p.platform, id: p.id, ...(p.name ? { name: p.name } : {}) });
  return { ...person(o.who), at: o.at, ...(o.assignedBy ? { assignedBy: person(o.assignedBy) } : {}) };
}

/** Per detection: alerts last seen in the last 7 and 30 days before `now` (from the index: no alert is read). */
export function countByDetection(index: readonly AlertIndexEntry[], now: number): DetectionCount[] {
  const by = new Map<string, DetectionCount>();
  for (const e of index) {
    const age = now - e.lastSeen;
    if (age > 30 * DAY) continue;
    const c = by.get(e.detection) ?? { detection: e.detection, last7d: 0, last30d: 0 };
    c.last30d++;
    if (age <= 7 * DAY) c.last7d++;
    by.set(e.detection, c);
  }
  return [...by.values()].sort((a, b) => b.last30d - a.last30d || b.last7d - a.last7d || a.detection.localeCompare(b.detection));
}

/** The viewer's own alerts first, then the most severe, then the most recent; cut to `limit`. Pure. */
export function buildHome(data: HomeData, viewer: HomeViewer, now: number, opts: { limit?: number; detections?: number } = {}): HomeReport {
  const limit = opts.limit ?? HOME_LIST_LIMIT;
  const open = data.open.filter((a) => isUnresolved(a.status));
  const sorted = [...open].sort(
    (a, b) =>
      Number(isMine(b, viewer)) - Number(isMine(a, viewer)) ||
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      b.lastSeen - a.lastSeen ||
      a.id.localeCompare(b.id),
  );
  const unresolved = data.index.filter((e) => isUnresolved(e.status));
  const counts = countByDetection(data.index, now);
  const shown = counts.slice(0, opts.detections ?? HOME_DETECTION_LIMIT);
  return {
    kind: 'home',
    openTotal: Math.max(unresolved.length, open.length),
    acknowledged: unresolved.filter((e) => e.status === 'acknowledged').length,
    mine: open.filter((a) => isMine(a, viewer)).length,
    alerts: sorted.slice(0, limit).map((a) => ({
      ...alertLine(a),
      ...(a.owner ? { owner: ownerOf(a.owner) } : {}),
      mine: isMine(a, viewer),
    })),
    counts: shown,
    totals: { last7d: counts.reduce((n, c) => n + c.last7d, 0), last30d: counts.reduce((n, c) => n + c.last30d, 0) },
    otherDetections: counts.length - shown.length,
    status: buildStatus(data.lastSweep, data.status, now),
    now,
  };
}

/**
 * One bounded read for the homes: the alert index, the newest `scanLimit` unresolved alerts in full, the last
 * sweep and the status provider (the one `/vigil status` uses). An alert gone between the index and the read is
 * skipped.
 */
export async function loadHomeData(deps: { store: Store; status: () => Promise<StatusInfo> }, scanLimit = HOME_SCAN_LIMIT): Promise<HomeData> {
  const index = await deps.store.listAlertIndex();
  const wanted = index
    .filter((e) => isUnresolved(e.status))
    .sort((a, b) => b.lastSeen - a.lastSeen)
    .slice(0, scanLimit);
  const [open, lastSweep, status] = await Promise.all([
    Promise.all(wanted.map((e) => deps.store.getAlert(e.id).catch(() => undefined))),
    deps.store.getLastSweep(),
    deps.status(),
  ]);
  return { index, open: open.filter((a): a is Alert => a !== undefined), lastSweep, status };
}
