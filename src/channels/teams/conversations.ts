import type { ConversationReference } from 'botbuilder';
import { z } from 'zod';
import type { Store } from '../../store/store.js';

/**
 * Conversation references the bot has seen (install, mention, personal chat), kept in the store so alerts can be
 * posted proactively after a restart. A Teams channel is stored under its channel id (the thread suffix
 * `;messageid=` is dropped) so posts start a new thread at the channel root.
 */

export const StoredConversation = z.object({
  id: z.string().min(1),
  kind: z.enum(['channel', 'personal', 'groupChat']),
  serviceUrl: z.url(),
  tenantId: z.string().optional(),
  teamId: z.string().optional(),
  teamName: z.string().optional(),
  channelName: z.string().optional(),
  reference: z.record(z.string(), z.unknown()),
  updatedAt: z.number(),
  subscribedAt: z.number().optional(),
  subscribedBy: z.string().optional(),
  /** Set when Teams answered 403 (bot removed / MessageWritesBlocked) or the app was uninstalled. */
  inactive: z.boolean().default(false),
});
export type StoredConversation = z.infer<typeof StoredConversation>;

/** The inbound activity fields used to describe a conversation (a subset of botbuilder's Activity). */
export interface InboundConversation {
  serviceUrl: string;
  channelId: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  recipient?: { id: string; name?: string };
  channelData?: { team?: { id?: string; name?: string }; channel?: { id?: string; name?: string }; tenant?: { id?: string } };
}

/** Build the stored form of a conversation from an inbound activity. */
export function describeConversation(a: InboundConversation, now: number): StoredConversation {
  const channel = a.channelData?.channel;
  const type = a.conversation.conversationType;
  const kind = type === 'personal' ? 'personal' : type === 'groupChat' ? 'groupChat' : channel?.id || type === 'channel' ? 'channel' : 'personal';
  const id = kind === 'channel' ? (channel?.id ?? a.conversation.id.split(';')[0]!) : a.conversation.id;
  const tenantId = a.conversation.tenantId ?? a.channelData?.tenant?.id;
  const reference: Partial<ConversationReference> = {
    channelId: a.channelId,
    serviceUrl: a.serviceUrl,
    bot: a.recipient ? { id: a.recipient.id, name: a.recipient.name ?? '' } : undefined,
    conversation: { id, isGroup: kind !== 'personal', conversationType: kind, tenantId, name: '' },
  };
  return {
    id,
    kind,
    serviceUrl: a.serviceUrl,
    tenantId,
    teamId: a.channelData?.team?.id,
    teamName: a.channelData?.team?.name,
    channelName: channel?.name,
    reference: JSON.parse(JSON.stringify(reference)) as Record<string, unknown>,
    updatedAt: now,
    inactive: false,
  };
}

export function createConversationStore(store: Store, now: () => number = Date.now) {
  const get = (id: string): Promise<StoredConversation | undefined> => store.getTeamsConversation(id, StoredConversation);

  async function list(): Promise<StoredConversation[]> {
    const ids = await store.listTeamsConversationIds();
    return (await Promise.all(ids.map(get))).filter((c): c is StoredConversation => c !== undefined);
  }

  async function put(c: StoredConversation): Promise<void> {
    await store.saveTeamsConversation(c.id, c);
    const ids = new Set(await store.listTeamsConversationIds());
    if (!ids.has(c.id)) {
      ids.add(c.id);
      await store.saveTeamsConversationIds([...ids]);
    }
  }

  return {
    get,
    list,
    /** Remember (or refresh) a conversation from an inbound activity; keeps its subscription. */
    remember: (a: InboundConversation) =>
      store.exclusive(async () => {
        const next = describeConversation(a, now());
        const prev = await get(next.id);
        const merged: StoredConversation = {
          ...next,
          teamName: next.teamName ?? prev?.teamName,
          channelName: next.channelName ?? prev?.channelName,
          subscribedAt: prev?.subscribedAt,
          subscribedBy: prev?.subscribedBy,
        };
        await put(merged);
        return merged;
      }),
    /** `@Vigil subscribe`: this conversation receives alerts (the newest subscription wins). */
    subscribe: (id: string, by: string) =>
      store.exclusive(async () => {
        const c = await get(id);
        if (!c) return undefined;
        const next = { ...c, subscribedAt: now(), subscribedBy: by, inactive: false };
        await put(next);
        return next;
      }),
    unsubscribe: (id: string) =>
      store.exclusive(async () => {
        const c = await get(id);
        if (c) await put({ ...c, subscribedAt: undefined, subscribedBy: undefined });
      }),
    markInactive: (id: string) =>
      store.exclusive(async () => {
        const c = await get(id);
        if (c) await put({ ...c, inactive: true });
      }),
    /**
     * Where alerts go: TEAMS_ALERT_CHANNEL (a channel id, conversation id or channel name) when set, else the
     * most recently subscribed conversation. Undefined when there is none yet.
     */
    async alertTarget(setting: string | undefined): Promise<StoredConversation | undefined> {
      const all = (await list()).filter((c) => !c.inactive);
      if (setting) {
        const want = setting.trim();
        const base = want.split(';')[0]!;
        return (
          all.find((c) => c.id === base) ??
          all.find((c) => c.channelName !== undefined && c.channelName.toLowerCase() === want.toLowerCase()) ??
          all.find((c) => c.teamName !== undefined && c.channelName !== undefined && `${c.teamName}/${c.channelName}`.toLowerCase() === want.toLowerCase())
        );
      }
      return all.filter((c) => c.subscribedAt !== undefined).sort((a, b) => b.subscribedAt! - a.subscribedAt!)[0];
    },
  };
}
export type ConversationStore = ReturnType<typeof createConversationStore>;
