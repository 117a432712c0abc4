import { z } from 'zod';
import type { AlertChannel, AlertView } from '../../domain/index.js';
import type { Alert } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import { renderAlertCard } from './blocks.js';

/** The part of the Slack WebClient used here. */
export interface HistoryClient {
  conversations: { history(args: { channel: string; oldest?: string; limit?: number; cursor?: string; inclusive?: boolean }): Promise<unknown> };
}

/** conversations.history success body (only the fields read). */
const History = z.looseObject({
  ok: z.literal(true),
  messages: z.array(z.looseObject({ ts: z.string(), blocks: z.array(z.looseObject({ block_id: z.string().optional() })).optional() })).default([]),
  has_more: z.boolean().optional(),
  response_metadata: z.looseObject({ next_cursor: z.string().optional() }).optional(),
});

/**
 * Give the Slack channel a `recover` for the outbox: after a crash between chat.postMessage and the saved ts,
 * look through the alert channel's history since the intent (minus a minute of clock slack) for the card
 * whose header block id is `h:<alertId>:…` (src/channels/slack/blocks.ts) and return its reference.
 * Needs the `channels:history` scope (and `groups:history` for private channels); without it the lookup
 * fails and the outbox posts again, logging the possible duplicate.
 * Cards posted inside a digest thread are not found (history lists top-level messages only).
 * The card found may show an older revision than the alert has now (it grew, or was acted on, between the
 * interrupted post and this drain): it is then brought up to date through `deliver`, as an update of that card,
 * before its reference is returned, so the outbox never records a revision the card does not show.
 */
export function withSlackRecovery(channel: AlertChannel, deps: { client: HistoryClient; route: (a: Alert) => string; log: Logger; maxPages?: number }): AlertChannel {
  async function recover(view: AlertView, previous: { intentAt?: number }): Promise<Record<string, string> | undefined> {
    const slackChannel = deps.route(view.alert);
    const prefix = `h:${view.alert.id}:`;
    const oldest = ((previous.intentAt ?? 0) / 1000 - 60).toFixed(6);
    let cursor: string | undefined;
    for (let page = 0; page < (deps.maxPages ?? 5); page++) {
      const res = History.parse(await deps.client.conversations.history({ channel: slackChannel, oldest, limit: 200, cursor }));
      const hit = res.messages.find((m) => m.blocks?.some((b) => b.block_id?.startsWith(prefix)));
      if (hit) {
        const found = { channel: slackChannel, ts: hit.ts, count: String(view.alert.count) };
        return hit.blocks?.some((b) => b.block_id === currentHeader(view)) ? found : channel.deliver(view, { ref: found, deliveredAt: previous.intentAt });
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) break;
    }
    return undefined;
  }
  const wrapped: AlertChannel = {
    name: channel.name,
    deliver: (view, previous) => channel.deliver(view, previous),
    recover,
  };
  if (channel.deliverBatch) wrapped.deliverBatch = channel.deliverBatch.bind(channel);
  return wrapped;
}

/** The header block id the card for this view carries (`h:<alertId>:<revision tag>`, see blocks.ts). */
function currentHeader(view: AlertView): string | undefined {
  return renderAlertCard(view).blocks?.find((b) => b.block_id?.startsWith('h:'))?.block_id;
}
