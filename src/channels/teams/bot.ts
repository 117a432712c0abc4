import { CardFactory, MessageFactory, TeamsActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Logger } from '../../log.js';
import { AdaptiveCardInvokeValue, CardActionData, type CardActionHandler } from './card-actions.js';
import type { ConversationStore, InboundConversation } from './conversations.js';
import { handleCommandText, stripBotMention, type MessageDeps } from './messages.js';

/**
 * The Teams bot: a thin TeamsActivityHandler (the one class botbuilder demands) that routes activities to
 * plain functions. Every turn remembers its conversation; installs and uninstalls update the stored list.
 */
export interface BotDeps extends MessageDeps {
  conversations: ConversationStore;
  handleCardAction: CardActionHandler;
  log: Logger;
}

const CARD = 'application/vnd.microsoft.card.adaptive';
const ERROR = 'application/vnd.microsoft.error';

export class VigilTeamsBot extends TeamsActivityHandler {
  constructor(private readonly deps: BotDeps) {
    super();
    this.onTurn(async (ctx, next) => {
      const a = ctx.activity;
      if (a.serviceUrl && a.conversation?.id) await deps.conversations.remember(a as unknown as InboundConversation);
      await next();
    });
    const forget = async (ctx: TurnContext) => {
      const channel = (ctx.activity.channelData as { channel?: { id?: string } } | undefined)?.channel?.id;
      await deps.conversations.markInactive(channel ?? ctx.activity.conversation.id.split(';')[0]!);
      deps.log.info({ conversation: ctx.activity.conversation.id }, 'Vigil was removed from a Teams conversation');
    };
    this.onInstallationUpdateRemove(async (ctx, next) => {
      await forget(ctx);
      await next();
    });
    this.onMembersRemoved(async (ctx, next) => {
      if (ctx.activity.membersRemoved?.some((m) => m.id === ctx.activity.recipient.id)) await forget(ctx);
      await next();
    });
    this.onMessage(async (ctx, next) => {
      await this.message(ctx);
      await next();
    });
  }

  private async message(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    // Action.Submit fallback from clients without Universal Actions: value = button data + inputs, no text.
    const submit = CardActionData.safeParse(a.value);
    if (submit.success && (a.value as { vigil?: string }).vigil === 'alert-action') {
      const result = await this.deps.handleCardAction({
        verb: submit.data.verb ?? '',
        data: submit.data,
        user: { aadObjectId: a.from.aadObjectId, id: a.from.id, name: a.from.name },
        invokeId: a.id,
      });
      if (result.kind === 'card' && a.replyToId) {
        const update = MessageFactory.attachment(CardFactory.adaptiveCard(result.card));
        update.id = a.replyToId;
        await ctx.updateActivity(update);
      } else if (result.kind === 'error') await ctx.sendActivity(result.message);
      return;
    }
    const text = stripBotMention(a.text ?? '', a.entities as never, a.recipient?.id, a.recipient?.name);
    const card = await handleCommandText(ctx, text, this.deps);
    await ctx.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
  }

  protected override async onInvokeActivity(ctx: TurnContext): Promise<InvokeResponse> {
    if (ctx.activity.name !== 'adaptiveCard/action') return super.onInvokeActivity(ctx);
    const parsed = AdaptiveCardInvokeValue.safeParse(ctx.activity.value);
    if (!parsed.success) {
      const message = `Not a Vigil card action: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`.trim();
      return { status: 400, body: { statusCode: 400, type: ERROR, value: { code: 'BadRequest', message } } };
    }
    const a = ctx.activity;
    const result = await this.deps.handleCardAction({
      verb: parsed.data.action.verb,
      data: parsed.data.action.data,
      user: { aadObjectId: a.from.aadObjectId, id: a.from.id, name: a.from.name },
      invokeId: a.id,
    });
    if (result.kind === 'error')
      return { status: result.status, body: { statusCode: result.status, type: ERROR, value: { code: result.code, message: result.message } } };
    return { status: 200, body: { statusCode: 200, type: CARD, value: result.card } };
  }
}
