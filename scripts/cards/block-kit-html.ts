/**
 * A small Block Kit → HTML renderer for the README picture of Vigil's Slack card: the block types and mrkdwn
 * that Vigil's cards use (header, section text and fields, context, divider, actions with buttons and a static
 * select), styled after Slack's desktop client. Not a general Block Kit implementation: an unknown block type
 * is an error, so a card that grows a new kind of block fails the picture script instead of losing it.
 */
type Text = { type: 'plain_text' | 'mrkdwn'; text: string };
type Element = { type: string; text?: Text | string; style?: string; placeholder?: Text };
type Block = { type: string; text?: Text; fields?: Text[]; elements?: Element[] };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Slack mrkdwn (already &-escaped by the sender) → HTML: links, dates, *bold*, _italic_, `code`, ~strike~. */
export function mrkdwn(src: string): string {
  const codes: string[] = [];
  let s = src.replace(/`([^`\n]+)`/g, (_m, c: string) => `\u0000${codes.push(c) - 1}\u0000`);
  s = s.replace(/<!date\^\d+\^[^|>]*\|([^>]*)>/g, (_m, fallback: string) => `\u0001${fallback}\u0002`);
  s = s.replace(/<(https?:[^|>]+)\|([^>]*)>/g, (_m, url: string, label: string) => `\u0003${url}\u0004${label}\u0005`);
  s = s.replace(/<(https?:[^>]+)>/g, (_m, url: string) => `\u0003${url}\u0004${url}\u0005`);
  // User mentions render as the person's name; the pictures use the ids' lower-cased tails (U0ALICE → @alice).
  s = s.replace(/<@[UW]0?([A-Z0-9]+)>/g, (_m, id: string) => `\u0006@${id.toLowerCase()}\u0007`);
  s = s.replace(/<!subteam\^S0?([A-Z0-9]+)>/g, (_m, id: string) => `\u0006@${id.toLowerCase()}\u0007`);
  s = s.replace(/<#C0?([A-Z0-9]+)>/g, (_m, id: string) => `\u0006#${id.toLowerCase()}\u0007`);
  // Slack escapes &, < and > in text; decode then re-escape for HTML.
  s = esc(s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  s = s
    .replace(/(^|[\s(])\*([^*\n]+)\*/g, '$1<b>$2</b>')
    .replace(/(^|[\s(])_([^_\n]+)_/g, '$1<i>$2</i>')
    .replace(/(^|[\s(])~([^~\n]+)~/g, '$1<s>$2</s>')
    .replace(/\u0001([^\u0002]*)\u0002/g, '<span class="date">$1</span>')
    .replace(/\u0003([^\u0004]*)\u0004([^\u0005]*)\u0005/g, '<a href="$1">$2</a>')
    .replace(/\u0006([^\u0007]*)\u0007/g, '<span class="mention">$1</span>')
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => `<code>${esc(codes[Number(i)]!)}</code>`)
    .replace(/\n/g, '<br>');
  return s;
}

const text = (t: Text | string | undefined) => (t === undefined ? '' : typeof t === 'string' ? esc(t) : t.type === 'mrkdwn' ? mrkdwn(t.text) : esc(t.text));

function element(e: Element): string {
  if (e.type === 'button') return `<span class="button ${e.style ?? ''}">${text(e.text)}</span>`;
  if (e.type === 'users_select') return `<span class="button select">${text(e.placeholder)} <span class="caret">▾</span></span>`;
  if (e.type === 'static_select') return `<span class="button select">${text(e.placeholder)} <span class="caret">▾</span></span>`;
  if (e.type === 'mrkdwn' || e.type === 'plain_text') return `<span>${text(e as Text)}</span>`;
  if (e.type === 'image') return '';
  throw new Error(`Block Kit element "${e.type}" is not rendered by this script`);
}

function block(b: Block): string {
  switch (b.type) {
    case 'header':
      return `<div class="header">${text(b.text)}</div>`;
    case 'section': {
      const fields = b.fields ? `<div class="fields">${b.fields.map((f) => `<div>${text(f)}</div>`).join('')}</div>` : '';
      return `<div class="section">${b.text ? `<div>${text(b.text)}</div>` : ''}${fields}</div>`;
    }
    case 'context':
      return `<div class="context">${(b.elements ?? []).map(element).join('')}</div>`;
    case 'actions':
      return `<div class="actions">${(b.elements ?? []).map(element).join('')}</div>`;
    case 'divider':
      return '<hr>';
    default:
      throw new Error(`Block Kit block "${b.type}" is not rendered by this script`);
  }
}

const CSS = `
body { margin: 0; background: #fff; font: 15px/1.46 'Lato', 'DejaVu Sans', sans-serif; color: #1d1c1d; }
.message { display: flex; gap: 8px; padding: 12px 20px; width: 720px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #1f3a8a; color: #fff; font-weight: 900; display: flex; align-items: center; justify-content: center; flex: none; }
.name { font-weight: 900; } .app { font-size: 10px; background: #e8e8e8; color: #616061; padding: 1px 3px; border-radius: 2px; margin: 0 4px; font-weight: 700; } .time { color: #616061; font-size: 12px; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0 4px; }
.section { margin: 4px 0; } .fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 8px; }
.context { color: #616061; font-size: 13px; display: flex; flex-direction: column; gap: 2px; margin: 8px 0; }
.actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 8px 0 4px; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.button { border: 1px solid #c4c4c4; border-radius: 4px; padding: 3px 12px; font-weight: 700; font-size: 14px; background: #fff; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; } .button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.caret { color: #616061; }
code { font: 12px 'DejaVu Sans Mono', monospace; color: #e01e5a; background: #f6f6f6; border: 1px solid #e8e8e8; border-radius: 3px; padding: 1px 3px; }
a { color: #1264a3; text-decoration: none; } .date { color: #1264a3; }
hr { border: none; border-top: 1px solid #e8e8e8; }`;

/** A whole page: the card as a message from the Vigil app in a channel. */
export function slackMessagePage(message: { blocks: Block[] }): string {
  const body = message.blocks.map(block).join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body>
<div class="message" id="card"><div class="avatar">V</div><div><div><span class="name">Vigil</span><span class="app">APP</span><span class="time">14:02</span></div>
${body}</div></div></body></html>`;
}

/** Slack's Block Kit Builder opens a message given as URL-encoded JSON after the #. */
export function blockKitBuilderUrl(message: { blocks: Block[] }): string {
  return `https://app.slack.com/block-kit-builder#${encodeURIComponent(JSON.stringify({ blocks: message.blocks }))}`;
}
