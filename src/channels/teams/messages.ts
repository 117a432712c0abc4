import type { TurnContext } from 'botbuilder';
import { TeamsInfo } from 'botbuilder';
import { USAGE, parseCommand, runCommand, type StatusInfo } from '../../chat-commands/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import type { Json } from './card.js';
import { renderCommandCard, renderNoticeCard } from './command-cards.js';
import { teamsHome } from './home-card.js';
import type { ConversationStore } from './conversations.js';
import type { ResponderCheck } from './responders.js';

/**
 * Text commands to the bot: `activity <email> [7d]`, `alerts [open|all]`, `status`, `help`, plus the Teams-only
 * `subscribe` / `unsubscribe` (in a channel: send alerts here). In channels the bot only receives messages that
 * @mention it; the mention is stripped robustly.
 */

/** Mention entity as Teams sends it. */
interface Mention {
  type: string;
  mentioned?: { id?: string; name?: string };
  text?: string;
}

/**
 * Remove the bot's @mention from the message text. botbuilder's removeRecipientMention only removes the first
 * mention whose entity carries `text` (names with `&` arrive without it, botbuilder-js#2083), so this also
 * removes any `<at>…</at>` that is the bot's name, decodes `&nbsp;`/`&amp;` and collapses whitespace.
 */
export function stripBotMention(text: string, entities: readonly Mention[] | undefined, botId: string | undefined, botName?: string): string {
  let out = text ?? '';
  const mentions = (entities ?? []).filter((e) => e.type === 'mention');
  const botMentions = mentions.filter((m) => m.mentioned?.id && botId && m.mentioned.id === botId);
  for (const m of botMentions) if (m.text) out = out.split(m.text).join(' ');
  const names = new Set([botName, ...botMentions.map((m) => m.mentioned?.name)].filter((n): n is string => !!n).map((n) => n.toLowerCase()));
  out = out.replace(/<at>([^<]*)<\/at>/gi, (whole, name: string) => (names.has(decode(name).trim().toLowerCase()) ? ' ' : whole));
  // A leading <at> that is not a known user mention is the bot's (Teams puts the bot first).
  out = out.replace(/^\s*<at>[^<]*<\/at>/i, (whole) => (mentions.some((m) => m.text === whole.trim() && m.mentioned?.id !== botId) ? whole : ' '));
  return decode(out).replace(/\s+/g, ' ').trim();
}

function decode(s: string): string {
  return s.replace(/&nbsp;/gi, ' ').replace(/&amp;/gi, '&').replace(/&lt;/gi, '<').replace(/&gt;/gi, '>').replace(/\u00a0/g, ' ');
}

export interface MessageDeps {
  store: Store;
  conversations: ConversationStore;
  isResponder: ResponderCheck;
  status: () => Promise<StatusInfo>;
  log: Logger;
  now?: () => number;
}

/**
 * Replace each remaining user @mention (`<at>Jane Doe</at>`) with that user's email, looked up through Teams
 * (GET v3/conversations/{id}/members/{userId}); falls back to the name without spaces.
 */
async function resolveMentions(ctx: TurnContext, text: string, log: Logger): Promise<string> {
  const entities = (ctx.activity.entities as Mention[] | undefined) ?? [];
  let out = text;
  for (const m of text.match(/<at>[^<]*<\/at>/gi) ?? []) {
    const mention = entities.find((e) => e.type === 'mention' && e.text === m && e.mentioned?.id !== ctx.activity.recipient.id);
    let email: string | undefined;
    if (mention?.mentioned?.id) {
      try {
        const member = await TeamsInfo.getMember(ctx, mention.mentioned.id);
        email = member.email ?? member.userPrincipalName;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'Teams member lookup failed');
      }
    }
    out = out.replace(m, email ?? decode(m.replace(/<\/?at>/gi, '')).replace(/\s+/g, ''));
  }
  return out;
}

/** Handle one text message; returns the card to reply with. */
export async function handleCommandText(ctx: TurnContext, text: string, deps: MessageDeps): Promise<Json> {
  const a = ctx.activity;
  const verb = text.split(/\s+/)[0]?.toLowerCase() ?? '';
  // Teams-only verbs, outside the shared grammar: routing (subscribe, unsubscribe) and the personal home.
  const teamsOnly = verb === 'subscribe' || verb === 'unsubscribe' || verb === 'home';
  const withMention = verb === 'activity' && /<at>/i.test(text);
  let parsed = teamsOnly ? undefined : parseCommand(text);
  if (parsed?.kind === 'help' && !withMention) return renderCommandCard({ kind: 'help', problem: parsed.problem, usage: USAGE });
  // Everything but help reveals security data or changes routing: responders only.
  if (!(await deps.isResponder(a.from.aadObjectId)))
    return renderNoticeCard('Not allowed', ['Only Vigil responders can use this command. Ask an administrator to add you to TEAMS_RESPONDERS.']);
  if (verb === 'home') return teamsHome(a, deps);
  if (!parsed) {
    const conv = await deps.conversations.remember(a as Parameters<ConversationStore['remember']>[0]);
    if (conv.kind !== 'channel') return renderNoticeCard('Subscribe in a channel', ['Write "@Vigil subscribe" in the Teams channel that should receive alerts.']);
    if (verb === 'unsubscribe') {
      await deps.conversations.unsubscribe(conv.id);
      return renderNoticeCard('Unsubscribed', ['This channel no longer receives new alerts (unless TEAMS_ALERT_CHANNEL names it).']);
    }
    await deps.conversations.subscribe(conv.id, a.from.aadObjectId ?? a.from.id);
    deps.log.info({ conversation: conv.id, by: a.from.aadObjectId }, 'Teams channel subscribed to alerts');
    return renderNoticeCard('Subscribed', [
      'New Vigil alerts will be posted in this channel.',
      `Channel id (for TEAMS_ALERT_CHANNEL): ${conv.id}`,
    ]);
  }
  if (withMention) parsed = parseCommand(await resolveMentions(ctx, text, deps.log));
  const caller = a.from.aadObjectId ? { platform: 'teams' as const, id: a.from.aadObjectId } : undefined;
  return renderCommandCard(await runCommand(parsed, { store: deps.store, status: deps.status, now: deps.now, ...(caller ? { caller } : {}) }));
}
