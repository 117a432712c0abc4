import { z } from 'zod';

/**
 * The subset of Adaptive Card 1.5 that Vigil emits, as a strict zod schema: an element or property outside the
 * subset (or a 1.6-only one) is an error. Together with the adaptivecards parser check in the tests this keeps
 * every rendered card within what Teams (limited to 1.5) renders. Also enforces Teams' practical limits:
 * every Action.Execute has a verb, and the serialised card stays under 80 KB (Teams refuses > 100 KB).
 */

const Spacing = z.enum(['None', 'Small', 'Default', 'Medium', 'Large', 'ExtraLarge', 'Padding']);
const ContainerStyle = z.enum(['default', 'emphasis', 'good', 'attention', 'warning', 'accent']);

const TextBlock = z.strictObject({
  type: z.literal('TextBlock'),
  text: z.string().min(1).max(5000),
  wrap: z.boolean().optional(),
  size: z.enum(['Small', 'Default', 'Medium', 'Large', 'ExtraLarge']).optional(),
  weight: z.enum(['Lighter', 'Default', 'Bolder']).optional(),
  color: z.enum(['Default', 'Dark', 'Light', 'Accent', 'Good', 'Warning', 'Attention']).optional(),
  isSubtle: z.boolean().optional(),
  style: z.enum(['default', 'heading']).optional(),
  spacing: Spacing.optional(),
  separator: z.boolean().optional(),
  maxLines: z.number().int().positive().optional(),
});

const FactSet = z.strictObject({
  type: z.literal('FactSet'),
  facts: z.array(z.strictObject({ title: z.string().max(200), value: z.string().max(2000) })).min(1).max(40),
  spacing: Spacing.optional(),
  separator: z.boolean().optional(),
});

const InputText = z.strictObject({
  type: z.literal('Input.Text'),
  id: z.string().min(1),
  label: z.string().optional(),
  placeholder: z.string().optional(),
  isMultiline: z.boolean().optional(),
  isRequired: z.boolean().optional(),
  errorMessage: z.string().optional(),
  maxLength: z.number().int().positive().optional(),
  value: z.string().optional(),
});

const InputChoiceSet = z.strictObject({
  type: z.literal('Input.ChoiceSet'),
  id: z.string().min(1),
  label: z.string().optional(),
  style: z.enum(['compact', 'expanded']).optional(),
  isRequired: z.boolean().optional(),
  errorMessage: z.string().optional(),
  value: z.string().optional(),
  choices: z.array(z.strictObject({ title: z.string().min(1), value: z.string().min(1) })).min(1),
});

const ActionData = z.record(z.string(), z.unknown());

const ActionSubmit = z.strictObject({ type: z.literal('Action.Submit'), title: z.string().min(1), data: ActionData });

const ActionExecute = z.strictObject({
  type: z.literal('Action.Execute'),
  // Teams routes only verb-bearing Execute actions to the bot; a missing verb is a silent dead button.
  verb: z.string().min(1),
  title: z.string().min(1).optional(),
  data: ActionData,
  style: z.enum(['default', 'positive', 'destructive']).optional(),
  isEnabled: z.boolean().optional(),
  fallback: ActionSubmit.optional(),
});

const ActionOpenUrl = z.strictObject({ type: z.literal('Action.OpenUrl'), title: z.string().min(1), url: z.url() });

/** The travel map: an inline PNG (data URI, nothing hosted) with alt text; an https URL would do too. */
const Image = z.strictObject({
  type: z.literal('Image'),
  url: z.string().regex(/^(?:https:\/\/\S+|data:image\/png;base64,[A-Za-z0-9+/]+=*)$/),
  altText: z.string().min(1).max(1000),
  size: z.enum(['Auto', 'Stretch', 'Small', 'Medium', 'Large']).optional(),
  spacing: Spacing.optional(),
  separator: z.boolean().optional(),
});

type ElementT =
  | z.infer<typeof TextBlock>
  | z.infer<typeof FactSet>
  | z.infer<typeof InputText>
  | z.infer<typeof InputChoiceSet>
  | z.infer<typeof Image>
  | { type: 'Container'; items: ElementT[] }
  | { type: 'ActionSet'; actions: unknown[] };

// Recursive parts (Container items, ShowCard cards) are declared lazily.
const Element: z.ZodType<ElementT> = z.lazy(() => z.union([TextBlock, FactSet, InputText, InputChoiceSet, Image, Container, ActionSet])) as z.ZodType<ElementT>;

const ActionShowCard: z.ZodType = z.lazy(() =>
  z.strictObject({
    type: z.literal('Action.ShowCard'),
    title: z.string().min(1),
    card: z.strictObject({ type: z.literal('AdaptiveCard'), body: z.array(Element).min(1), actions: z.array(Action).min(1).max(6) }),
  }),
);

const Action: z.ZodType = z.lazy(() => z.union([ActionExecute, ActionSubmit, ActionOpenUrl, ActionShowCard]));

const Container = z.strictObject({
  type: z.literal('Container'),
  items: z.array(Element).min(1),
  style: ContainerStyle.optional(),
  bleed: z.boolean().optional(),
  spacing: Spacing.optional(),
  separator: z.boolean().optional(),
});

const ActionSet = z.strictObject({
  type: z.literal('ActionSet'),
  actions: z.array(Action).min(1).max(6),
  spacing: Spacing.optional(),
});

export const TeamsCard = z
  .strictObject({
    type: z.literal('AdaptiveCard'),
    $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'),
    version: z.literal('1.5'),
    msteams: z.strictObject({ width: z.literal('Full') }).optional(),
    refresh: z
      .strictObject({
        action: z.strictObject({ type: z.literal('Action.Execute'), verb: z.string().min(1), data: ActionData }),
        userIds: z.array(z.string()).max(60),
      })
      .optional(),
    body: z.array(Element).min(1),
    actions: z.array(Action).max(6).optional(),
  })
  .refine((card) => Buffer.byteLength(JSON.stringify(card)) <= 80_000, { message: 'card is larger than 80 KB' });

/** Throw a readable error when a card leaves the supported subset. */
export function assertTeamsCard(card: unknown): void {
  const r = TeamsCard.safeParse(card);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`invalid Teams card at ${first?.path.join('.') ?? '?'}: ${first?.message ?? 'unknown'}`);
  }
}
