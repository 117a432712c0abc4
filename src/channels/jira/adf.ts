/** A minimal Atlassian Document Format builder (the rich-text format of Jira Cloud REST v3). */
export type AdfMark = { type: 'strong' } | { type: 'code' } | { type: 'em' } | { type: 'link'; attrs: { href: string } };
export type AdfNode = { type: string; attrs?: Record<string, unknown>; content?: AdfNode[]; text?: string; marks?: AdfMark[] };
export interface AdfDoc {
  version: 1;
  type: 'doc';
  content: AdfNode[];
}

/** Text nodes may not be empty in ADF; Jira rejects the whole document otherwise. */
export const text = (t: string, marks?: AdfMark[]): AdfNode => ({ type: 'text', text: t.length > 0 ? t : '-', ...(marks ? { marks } : {}) });
export const strong = (t: string) => text(t, [{ type: 'strong' }]);
export const code = (t: string) => text(t, [{ type: 'code' }]);
export const link = (t: string, href: string) => text(t, [{ type: 'link', attrs: { href } }]);
export const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });
export const heading = (level: number, t: string): AdfNode => ({ type: 'heading', attrs: { level }, content: [text(t)] });
export const bulletList = (items: AdfNode[][]): AdfNode => ({
  type: 'bulletList',
  content: items.map((inline) => ({ type: 'listItem', content: [paragraph(...inline)] })),
});
export const doc = (content: AdfNode[]): AdfDoc => ({ version: 1, type: 'doc', content });

/** Only http(s) links go into a document; anything else is shown as plain text. */
export const safeHref = (url: string | undefined): string | undefined => (url && /^https?:\/\/\S+$/i.test(url) ? url : undefined);
