/**
 * Regenerates the card pictures in docs/images/ from the golden test cards:
 *  - teams-card.png: test/channels/teams/golden/alert-open.json rendered by Microsoft's own `adaptivecards`
 *    renderer (the library Teams' web client builds on) with a Teams-like host config;
 *  - slack-card.png: test/channels/slack/golden/alert-open.json rendered by scripts/cards/block-kit-html.ts;
 *  - slack-card.block-kit-builder.url: a link that opens the same JSON in Slack's Block Kit Builder.
 * Both pages are screenshotted in headless Chromium (Debian package `chromium`):
 *   apt-get install chromium fonts-noto-color-emoji && npm run docs:cards
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { blockKitBuilderUrl, slackMessagePage } from './cards/block-kit-html.js';

const root = new URL('../', import.meta.url);
const out = new URL('docs/images/', root);
const read = (p: string) => JSON.parse(readFileSync(new URL(p, root), 'utf8')) as Record<string, any>;

/** Teams' light theme, as far as the card uses it: Segoe UI where installed, its colours and spacing. */
const TEAMS_HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'DejaVu Sans', sans-serif",
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  fontSizes: { small: 12, default: 14, medium: 14, large: 18, extraLarge: 24 },
  containerStyles: {
    default: { backgroundColor: '#FFFFFF', foregroundColors: { default: { default: '#242424', subtle: '#616161' }, attention: { default: '#C4314B' }, good: { default: '#237B4B' }, warning: { default: '#835C00' }, accent: { default: '#5B5FC7' } } },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    attention: { backgroundColor: '#FDF3F4', foregroundColors: { default: { default: '#242424', subtle: '#616161' }, attention: { default: '#C4314B' } } },
    warning: { backgroundColor: '#FBF6D9', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    good: { backgroundColor: '#F1FAF1', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    accent: { backgroundColor: '#E8EBFA', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
  },
  actions: { actionsOrientation: 'horizontal', buttonSpacing: 8, maxActions: 6, spacing: 'default', showCard: { actionMode: 'inline' } },
};

/** The markdown subset Teams renders in a TextBlock; runs inside the page (serialised with toString). */
function teamsMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\*\*([^*]+)\*\*/g, '<b>$1</b>')
    .replace(/(^|\s)_([^_]+)_/g, '$1<i>$2</i>')
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\n/g, '<br>');
}

function teamsPage(card: Record<string, any>): string {
  const lib = readFileSync(createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.js'), 'utf8');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; background: #f5f5f5; font-family: 'Segoe UI', 'DejaVu Sans', sans-serif; }
#card { width: 640px; margin: 16px; background: #fff; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15); overflow: hidden; }
.ac-pushButton { border: 1px solid #d1d1d1; border-radius: 4px; background: #fff; padding: 5px 12px; font: 600 14px 'Segoe UI', 'DejaVu Sans', sans-serif; color: #242424; }
.ac-pushButton.style-positive { background: #5b5fc7; border-color: #5b5fc7; color: #fff; }
.ac-pushButton.style-destructive { background: #c4314b; border-color: #c4314b; color: #fff; }
</style><script>${lib}</script></head><body><div id="card"></div><script>
  // Teams renders the card's markdown subset (bold, italic, links); adaptivecards leaves that to the host.
  AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = (${teamsMarkdown.toString()})(text);
    result.didProcess = true;
  };
  const card = new AdaptiveCards.AdaptiveCard();
  card.hostConfig = new AdaptiveCards.HostConfig(${JSON.stringify(TEAMS_HOST_CONFIG)});
  card.parse(${JSON.stringify(card)});
  document.getElementById('card').appendChild(card.render());
</script></body></html>`;
}

async function shoot(html: string, file: string) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2, viewport: { width: 800, height: 600 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.setContent(html, { waitUntil: 'load' });
    if (errors.length > 0) throw new Error(`${file}: ${errors.join('; ')}`);
    await page.locator('#card').screenshot({ path: new URL(file, out).pathname });
  } finally {
    await browser.close();
  }
}

mkdirSync(out, { recursive: true });
const slack = read('test/channels/slack/golden/alert-open.json') as { blocks: any[] };
await shoot(slackMessagePage(slack), 'slack-card.png');
writeFileSync(new URL('slack-card.block-kit-builder.url', out), `${blockKitBuilderUrl(slack)}\n`);
await shoot(teamsPage(read('test/channels/teams/golden/alert-open.json')), 'teams-card.png');
// The responder workflow's card states (docs/responder-workflow.md), from the same golden cards.
for (const state of ['acknowledged', 'assigned', 'escalated', 'resolved']) {
  await shoot(slackMessagePage(read(`test/channels/slack/golden/alert-${state}.json`) as { blocks: any[] }), `slack-card-${state}.png`);
  await shoot(teamsPage(read(`test/channels/teams/golden/alert-${state}.json`)), `teams-card-${state}.png`);
}
console.log(`wrote ${new URL('slack-card.png', out).pathname}, teams-card.png, the workflow states and slack-card.block-kit-builder.url`);
