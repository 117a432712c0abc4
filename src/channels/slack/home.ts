import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { buildHome, loadHomeData, type HomeData, type StatusInfo } from '../../chat-commands/index.js';
import type { AlertChannel } from '../../domain/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { createHomePublisher } from './home-publisher.js';
import { renderHomeView, renderNotResponderHome } from './home-view.js';
import type { ResponderCheck } from './responders.js';

/**
 * The Slack App Home tab: `app_home_opened` (tab "home") publishes the responder's home at once; after the outbox
 * delivered a change to Slack, every responder who opened the tab in the last day gets a fresh view, coalesced
 * and paced (home-publisher.ts). Who opened it is kept in the store (bounded, with a time to live), so the
 * replica that delivers the change refreshes the views whichever replica served the opening.
 */

const VIEWERS_KEY = 'slack-home-viewers';
/** A responder who opened the tab this recently gets live updates. */
export const HOME_VIEWER_TTL_MS = 24 * 3600_000;
/** The most responders kept for live updates (the most recent openers). */
export const HOME_VIEWERS_MAX = 200;
/** One read of the store serves every view built within this long, unless an alert changed meanwhile. */
const SNAPSHOT_MS = 5_000;

const Viewers = z.record(z.string().regex(/^[UW][A-Z0-9]{2,30}$/), z.number());
/** The fields of the Events API `app_home_opened` event Vigil reads (docs.slack.dev/reference/events/app_home_opened). */
const HomeOpened = z.looseObject({ user: z.string().regex(/^[UW][A-Z0-9]{2,30}$/), tab: z.string().optional() });

export interface HomeDeps {
  store: Store;
  client: WebClient;
  responders: ResponderCheck;
  status: () => Promise<StatusInfo>;
  log: Logger;
  /** SLACK_HOME_REFRESH_SECONDS, in ms. */
  perUserMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export function registerAppHome(app: App, deps: HomeDeps) {
  const now = deps.now ?? Date.now;
  let snapshot: { at: number; data: Promise<HomeData> } | undefined;

  function data(): Promise<HomeData> {
    if (!snapshot || now() - snapshot.at > SNAPSHOT_MS) {
      const fresh = { at: now(), data: loadHomeData(deps) };
      fresh.data.catch(() => (snapshot === fresh ? (snapshot = undefined) : undefined));
      snapshot = fresh;
    }
    return snapshot.data;
  }

  const publisher = createHomePublisher({
    log: deps.log,
    perUserMs: deps.perUserMs,
    now: deps.now,
    sleep: deps.sleep,
    async build(user) {
      // Checked on every build: a responder removed from SLACK_RESPONDERS stops seeing alerts on the next update.
      if (!(await deps.responders.isResponder(user))) return renderNotResponderHome();
      return renderHomeView(buildHome(await data(), { platform: 'slack', id: user }, now()));
    },
    async publish(user, view) {
      await deps.client.views.publish({ user_id: user, view });
    },
  });

  async function viewers(): Promise<Record<string, number>> {
    const all = (await deps.store.getMeta(VIEWERS_KEY, Viewers).catch(() => undefined)) ?? {};
    return Object.fromEntries(Object.entries(all).filter(([, at]) => now() - at < HOME_VIEWER_TTL_MS));
  }

  async function remember(user: string): Promise<void> {
    const recent = Object.entries({ ...(await viewers()), [user]: now() })
      .sort((a, b) => b[1] - a[1])
      .slice(0, HOME_VIEWERS_MAX);
    await deps.store.setMeta(VIEWERS_KEY, Object.fromEntries(recent), HOME_VIEWER_TTL_MS);
  }

  app.event('app_home_opened', async ({ event }) => {
    const parsed = HomeOpened.safeParse(event);
    if (!parsed.success || (parsed.data.tab ?? 'home') !== 'home') return;
    const user = parsed.data.user;
    publisher.request(user, true);
    // Only responders get live updates; a failure to remember costs updates, never the view.
    if (await deps.responders.isResponder(user)) await remember(user).catch((err: Error) => deps.log.warn({ err: err.message }, 'could not remember a Slack Home tab viewer'));
  });

  return {
    /** Alerts changed (the outbox delivered to Slack): refresh the views of recent viewers. Never throws. */
    async alertsChanged(): Promise<void> {
      snapshot = undefined;
      try {
        for (const user of Object.keys(await viewers())) publisher.request(user);
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'could not read the Slack Home tab viewers');
      }
    },
    idle: () => publisher.idle(),
    stop: () => publisher.stop(),
  };
}
export type AppHome = ReturnType<typeof registerAppHome>;

/** The Slack alert channel, telling the App Home after every delivery (a new card or a changed one). */
export function withHomeRefresh(channel: AlertChannel, home: Pick<AppHome, 'alertsChanged'>): AlertChannel {
  const changed = <T>(result: T): T => {
    void home.alertsChanged();
    return result;
  };
  return {
    ...channel,
    name: channel.name,
    deliver: async (view, previous) => changed(await channel.deliver(view, previous)),
    ...(channel.deliverBatch ? { deliverBatch: async (views) => changed(await channel.deliverBatch!(views)) } : {}),
  };
}
