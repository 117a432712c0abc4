import type { Alert } from '../domain/index.js';
import type { Logger } from '../log.js';
import { MAP_DETECTIONS, MAX_MAP_BYTES, renderTravelMap, travelCaption, travelMapOf } from './travel-map.js';

/** What draws an alert's map: the real renderer, or one a test injects. */
export type MapRenderer = (alert: Pick<Alert, 'detection' | 'facts'>) => Buffer | undefined | Promise<Buffer | undefined>;

/** A map ready for a card: the PNG and its text (alt text, Slack file title). */
export interface CardMap {
  png: Buffer;
  alt: string;
}

export interface CardMapOptions {
  log: Logger;
  /** Default: the travel map renderer. */
  render?: MapRenderer;
  /** An asynchronous renderer slower than this is abandoned (default 2 s). A synchronous one cannot be cut short. */
  timeoutMs?: number;
}

/**
 * The alert's map for a card, or undefined: the alert has none, or drawing it failed, was too slow or too big
 * (each logged as a warning). Never throws, so a card is never held up or broken by its map.
 */
export async function cardMap(alert: Pick<Alert, 'id' | 'detection' | 'facts'>, opts: CardMapOptions): Promise<CardMap | undefined> {
  if (!MAP_DETECTIONS.has(alert.detection)) return undefined;
  const render = opts.render ?? renderTravelMap;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`map renderer took over ${opts.timeoutMs ?? 2000} ms`)), opts.timeoutMs ?? 2000);
    });
    const png = await Promise.race([Promise.resolve().then(() => render(alert)), timeout]);
    if (!png) return undefined;
    if (!Buffer.isBuffer(png) || png.length > MAX_MAP_BYTES) throw new Error(`map image is ${Buffer.isBuffer(png) ? `${png.length} bytes` : 'not a Buffer'} (budget ${MAX_MAP_BYTES})`);
    const m = travelMapOf(alert);
    return { png, alt: m ? travelCaption(m).filter(Boolean).join('; ') : 'Map of the alert' };
  } catch (err) {
    opts.log.warn({ alertId: alert.id, err: (err as Error).message }, 'Travel map not drawn; the card goes without it');
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
