import type { Logger } from '../../log.js';
import type { AlertChannel, AlertView, PriorDelivery } from '../../domain/index.js';
import { renderAlertCard } from './blocks.js';
import { renderAnswerReply, renderDigest, renderGrowthReply } from './messages.js';
import { ownerLine, renderEscalation, renderReminder } from './owner-blocks.js';
import { routeAlert, type SlackRoutes } from './routing.js';
import { slackErrorCode, type SlackSender } from './sender.js';
import type { MapRef, MapUploader } from './map-upload.js';

export const SLACK_CHANNEL_NAME = 'slack';

/** What we keep per alert in the delivery record: where the card is and what the thread was told. */
export type SlackRef = { channel: string; ts: string; thread_ts?: string; count?: string; pingedAnswerAt?: string; ownerAt?: string; escalated?: string } & Pick<MapRef, 'map' | 'mapTries'>;

export interface SlackChannelOptions {
  sender: SlackSender;
  routes: SlackRoutes;
  log: Logger;
  /** SLACK_DIGEST_THRESHOLD: this many new alerts for one channel in one drain become a digest. */
  digestThreshold: number;
  /** Mentions of the responders, for the "it was not me" ping and the reminders. */
  pings: () => string[];
  /** Shares the card's travel map in its thread once (map-upload.ts); absent: no maps. */
  withMap?: MapUploader;
  /** SLACK_ESCALATION_CHANNEL: where level 2 goes (without it, level 2 is a second reminder in the thread). */
  escalationChannel?: string;
}

/** The thread a card's audit trail goes to: the digest's thread for a card inside a digest, else the card's own. */
export function threadOf(ref: Pick<SlackRef, 'ts' | 'thread_ts'>): string {
  return ref.thread_ts ?? ref.ts;
}

export function createSlackChannel(opts: SlackChannelOptions): AlertChannel {
  const { sender } = opts;

  /** Thread replies owed for a new revision: growth and an unanswered "it was not me". Never fatal. */
  async function followUps(view: AlertView, ref: SlackRef): Promise<SlackRef> {
    const next = { ...ref, count: String(view.alert.count) };
    const thread = threadOf(ref);
    try {
      const before = Number(ref.count ?? view.alert.count);
      if (view.alert.count > before) await sender.post(ref.channel, { text: renderGrowthReply(view.alert, before), thread_ts: thread });
      const denied = view.answer?.answer === 'no' ? view.answer : undefined;
      if (denied && ref.pingedAnswerAt !== String(denied.at)) {
        const by = denied.by;
        const who = by.platform === 'slack' && by.id ? by.id : (by.name ?? 'The user');
        await sender.post(ref.channel, { text: renderAnswerReply('no', who, opts.pings()), thread_ts: thread });
        next.pingedAnswerAt = String(denied.at);
      }
      await ownership(view, next, thread);
    } catch (err) {
      opts.log.warn({ alertId: view.alert.id, err: (err as Error).message }, 'Slack thread follow-up failed');
    }
    return opts.withMap ? opts.withMap(view, next) : next; // after the card and its replies; never throws
  }

  /**
   * The thread says who took the alert, once per owner change; reminders go out once per level (recorded in the
   * delivery ref, so a redraw or a restart does not repeat them) and only while nobody owns the alert.
   */
  async function ownership(view: AlertView, next: SlackRef, thread: string): Promise<void> {
    const { alert } = view;
    if (alert.owner && next.ownerAt !== String(alert.owner.at)) {
      await sender.post(next.channel, { text: ownerLine(alert.owner)!, thread_ts: thread });
      next.ownerAt = String(alert.owner.at);
    }
    const e = alert.escalation;
    const done = Number(next.escalated ?? 0);
    if (!e || done >= e.level) return;
    if (!alert.owner) {
      if (done < 1) await sender.post(next.channel, { text: renderReminder(alert, e.remindedAt, opts.pings()), thread_ts: thread });
      if (e.level === 2) await escalate(view, next, thread);
    }
    next.escalated = String(e.level);
  }

  async function escalate(view: AlertView, ref: SlackRef, thread: string): Promise<void> {
    const at = view.alert.escalation?.escalatedAt ?? Date.now();
    if (!opts.escalationChannel) {
      await sender.post(ref.channel, { text: renderReminder(view.alert, at, opts.pings()), thread_ts: thread });
      return;
    }
    const link = await sender.permalink(ref.channel, ref.ts).catch(() => undefined);
    await sender.post(opts.escalationChannel, { text: renderEscalation(view.alert, at, opts.pings(), link) });
    await sender.post(ref.channel, { text: `⏰ Escalated to <#${opts.escalationChannel}>.`, thread_ts: thread });
  }

  async function postNew(view: AlertView, channel: string, threadTs?: string): Promise<SlackRef> {
    const card = renderAlertCard(view);
    const res = await sender.post(channel, { ...card, thread_ts: threadTs });
    const ref: SlackRef = { channel: res.channel, ts: res.ts, count: String(view.alert.count) };
    if (threadTs) ref.thread_ts = threadTs;
    return followUps(view, { ...ref, pingedAnswerAt: undefined });
  }

  async function deliver(view: AlertView, previous: PriorDelivery | undefined): Promise<Record<string, string>> {
    const prev = previous?.ref as Partial<SlackRef> | undefined;
    if (prev?.channel && prev.ts) {
      const ref = prev as SlackRef;
      try {
        await sender.update(ref.channel, ref.ts, renderAlertCard(view));
      } catch (err) {
        const code = slackErrorCode(err);
        if (code !== 'message_not_found' && code !== 'cant_update_message') throw err;
        opts.log.warn({ alertId: view.alert.id, code }, 'Slack card is gone; posting a new one');
        return clean(await postNew(view, ref.channel));
      }
      return clean(await followUps(view, ref));
    }
    return clean(await postNew(view, routeAlert(opts.routes, view.alert)));
  }

  async function deliverBatch(views: AlertView[]): Promise<Map<string, Record<string, string>>> {
    const out = new Map<string, Record<string, string>>();
    const byChannel = new Map<string, AlertView[]>();
    for (const v of views) {
      const ch = routeAlert(opts.routes, v.alert);
      byChannel.set(ch, [...(byChannel.get(ch) ?? []), v]);
    }
    for (const [channel, group] of byChannel) {
      if (group.length < opts.digestThreshold) continue; // delivered one by one by the outbox
      let digest: { channel: string; ts: string };
      try {
        digest = await sender.post(channel, renderDigest(group));
      } catch (err) {
        opts.log.warn({ channel, err: (err as Error).message }, 'Slack digest failed; the alerts go one by one');
        continue;
      }
      for (const v of group) {
        try {
          out.set(v.alert.id, clean(await postNew(v, digest.channel, digest.ts)));
        } catch (err) {
          opts.log.warn({ alertId: v.alert.id, err: (err as Error).message }, 'Slack card in digest thread failed; it will be delivered on its own');
        }
      }
    }
    return out;
  }

  return { name: SLACK_CHANNEL_NAME, deliver, deliverBatch };
}

function clean(ref: SlackRef): Record<string, string> {
  return Object.fromEntries(Object.entries(ref).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
