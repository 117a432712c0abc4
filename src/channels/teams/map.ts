import type { AlertView } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import { cardMap, type MapRenderer } from '../../render/safe.js';
import type { Json } from './card.js';
import { plain } from './card-text.js';

/**
 * The whole card with its map must stay within this many bytes of JSON. Teams takes 100 KB messages today
 * (keep ≤ 80 KB), older clients 28–40 KB (reference/microsoft.md §3.6): a map that would push the card over
 * 40 KB is left out, and the card goes as it is. A map is 3–6 KB of PNG, 4–8 KB as base64.
 */
export const TEAMS_CARD_BUDGET = 40 * 1024;

export interface TeamsMapOptions {
  log: Logger;
  render?: MapRenderer;
}

/**
 * The card with the alert's travel map after its facts: an Image whose url is a `data:image/png;base64,` URI
 * (Adaptive Cards ≥ 1.2 take data URIs for Image.url, so nothing is hosted or fetched). Never throws: no map,
 * a failed or slow renderer, or a card that would exceed TEAMS_CARD_BUDGET give the card unchanged.
 */
export async function withTravelMap(card: Json, view: AlertView, opts: TeamsMapOptions): Promise<Json> {
  const map = await cardMap(view.alert, { log: opts.log, render: opts.render });
  if (!map) return card;
  const image = { type: 'Image', url: `data:image/png;base64,${map.png.toString('base64')}`, altText: plain(map.alt, 500), size: 'Stretch', spacing: 'Medium' };
  const body = Array.isArray(card.body) ? [...(card.body as Json[])] : [];
  const facts = body.findIndex((e) => e.type === 'FactSet');
  body.splice(facts >= 0 ? facts + 1 : body.length, 0, image);
  const out = { ...card, body };
  const size = Buffer.byteLength(JSON.stringify(out));
  if (size > TEAMS_CARD_BUDGET) {
    opts.log.warn({ alertId: view.alert.id, bytes: size, budget: TEAMS_CARD_BUDGET }, 'Teams card with its travel map is too large; sent without the map');
    return card;
  }
  return out;
}
