import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { SlackSender } from './sender.js';

const CACHE = z.object({ at: z.number(), members: z.record(z.string(), z.array(z.string())) });

export interface ResponderOptions {
  /** SLACK_RESPONDERS: user ids (U…/W…) and user-group ids (S…). */
  responders: string[];
  client: WebClient;
  sender: SlackSender;
  store: Store;
  log: Logger;
  cacheMs: number;
  now?: () => number;
}

/**
 * Who may press the buttons. User ids are checked directly; user-group membership comes from
 * usergroups.users.list (tier 2) and is cached in the store for `cacheMs`. A lookup failure fails closed.
 */
export function createResponderCheck(opts: ResponderOptions) {
  const now = opts.now ?? Date.now;
  const users = new Set(opts.responders.filter((r) => !r.startsWith('S')));
  const groups = opts.responders.filter((r) => r.startsWith('S'));
  let memo: z.infer<typeof CACHE> | undefined;

  async function groupMembers(): Promise<Map<string, string[]>> {
    const fresh = (c: z.infer<typeof CACHE> | undefined) => c && now() - c.at < opts.cacheMs && groups.every((g) => g in c.members);
    if (!fresh(memo)) memo = await opts.store.getMeta('slack-responder-groups', CACHE).catch(() => undefined);
    if (!fresh(memo)) {
      const members: Record<string, string[]> = {};
      for (const g of groups) {
        try {
          const res = await opts.sender.call('usergroups.users.list', () => opts.client.usergroups.users.list({ usergroup: g }));
          members[g] = res.users ?? [];
        } catch (err) {
          // Fail closed for this group, and do not cache the failure: the next click asks again.
          opts.log.warn({ usergroup: g, err: (err as Error).message }, 'could not read Slack responder group; its members are not authorised until it can be read');
          return new Map(Object.entries(members));
        }
      }
      memo = { at: now(), members };
      await opts.store.setMeta('slack-responder-groups', memo, opts.cacheMs);
    }
    return new Map(Object.entries(memo!.members));
  }

  return {
    async isResponder(userId: string): Promise<boolean> {
      if (users.has(userId)) return true;
      if (groups.length === 0) return false;
      const members = await groupMembers();
      return [...members.values()].some((list) => list.includes(userId));
    },
    /** How to ping the responders in a thread: user mentions and user-group mentions. */
    pings(): string[] {
      return opts.responders.map((r) => (r.startsWith('S') ? `<!subteam^${r}>` : `<@${r}>`));
    },
  };
}
export type ResponderCheck = ReturnType<typeof createResponderCheck>;
