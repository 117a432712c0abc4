import { z } from 'zod';

/** The parts of a block_actions payload we use; everything else Slack sends is ignored. */
export const BlockActionBody = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string().min(1), name: z.string().optional(), username: z.string().optional() }),
  team: z.object({ id: z.string() }).nullish(),
  trigger_id: z.string().optional(),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional(), thread_ts: z.string().optional() }).passthrough().optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).passthrough().optional(),
  actions: z
    .array(
      z.object({
        action_id: z.string(),
        block_id: z.string().max(255).optional(),
        value: z.string().max(2000).optional(),
        selected_user: z.string().max(40).optional(),
        selected_option: z.object({ value: z.string().max(2000) }).optional(),
      }),
    )
    .min(1),
});
export type BlockActionBody = z.infer<typeof BlockActionBody>;

/** Where the clicked card is: channel, message and the thread its audit trail goes to. */
export function cardLocation(body: BlockActionBody): { channel: string; ts: string; threadTs: string } | undefined {
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  if (!channel || !ts) return undefined;
  return { channel, ts, threadTs: body.message?.thread_ts ?? body.container?.thread_ts ?? ts };
}

export const ViewSubmissionBody = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string().min(1), name: z.string().optional(), username: z.string().optional() }),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string().max(3000),
    state: z.object({ values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }).passthrough())) }),
  }),
});

export const ModalMetaSchema = z.object({ alertId: z.string().min(1), channel: z.string().min(1), ts: z.string().min(1), threadTs: z.string().min(1) });

export const SlashCommandBody = z.object({
  command: z.string(),
  text: z.string().max(4000).default(''),
  user_id: z.string().min(1),
  channel_id: z.string().optional(),
  team_id: z.string().optional(),
});

/** `<@U123|alice>` or `<@U123>` from an escaped slash command. */
export function mentionedUser(s: string): string | undefined {
  const m = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(s.trim());
  return m?.[1];
}
