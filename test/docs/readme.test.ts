import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { blockKitBuilderUrl, mrkdwn, slackMessagePage } from '../../scripts/cards/block-kit-html.js';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');
const readme = read('README.md');

/** Relative link targets of a Markdown file: [text](target) and <img src="target">, without #anchors. */
function localLinks(markdown: string): string[] {
  const targets = [...markdown.matchAll(/\]\(([^)\s]+)\)/g), ...markdown.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1]!);
  return targets.filter((t) => !/^(https?:|mailto:|#)/.test(t)).map((t) => t.replace(/#.*$/, ''));
}

/** PNG width and height from the IHDR chunk. */
function pngSize(path: string): [number, number] {
  const b = readFileSync(new URL(path, root));
  expect(b.subarray(1, 4).toString('ascii')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe('README', () => {
  it('is 250 lines or fewer', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('every file it links to exists', () => {
    const links = localLinks(readme);
    expect(links.length).toBeGreaterThan(15);
    for (const l of links) expect(existsSync(new URL(l, root)), l).toBe(true);
  });

  it('has the two quick-start commands, the compose and Kubernetes deployments, and links every docs page', () => {
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm ci && npm test');
    expect(readme).toContain('docker compose up -d --build');
    expect(readme).toContain('kubectl apply -k deploy/kubernetes/example');
    const docs = ['operator-guide', 'configuration', 'detections', 'deployment', 'reliability', 'how-it-works', 'testing', 'upgrading'];
    for (const d of docs) expect(localLinks(readme), d).toContain(`docs/${d}.md`);
  });

  it('the relative links in docs/ resolve too', () => {
    for (const page of ['operator-guide', 'configuration', 'detections', 'deployment', 'reliability', 'how-it-works', 'testing', 'upgrading']) {
      for (const l of localLinks(read(`docs/${page}.md`)).filter((x) => !x.startsWith('../../shared/') && x !== 'benchmarks.md')) {
        expect(existsSync(new URL(l, new URL('docs/', root))), `docs/${page}.md → ${l}`).toBe(true);
      }
    }
  });
});

describe('the card pictures', () => {
  const slack = JSON.parse(read('test/channels/slack/golden/alert-open.json')) as { blocks: any[] };

  it('are committed PNGs of card size', () => {
    const [sw, sh] = pngSize('docs/images/slack-card.png');
    const [tw, th] = pngSize('docs/images/teams-card.png');
    expect(sw).toBeGreaterThan(600);
    expect(sh).toBeGreaterThan(300);
    expect(tw).toBeGreaterThan(600);
    expect(th).toBeGreaterThan(300);
  });

  it("the README's Block Kit Builder link opens the current golden Slack card", () => {
    const url = /^\[block-kit-builder\]: (\S+)$/m.exec(readme)?.[1];
    expect(url).toBe(blockKitBuilderUrl(slack));
    expect(JSON.parse(decodeURIComponent(url!.split('#')[1]!))).toEqual({ blocks: slack.blocks });
  });

  it('the Slack renderer draws every block of the golden card, with Slack mrkdwn turned into HTML', () => {
    const page = slackMessagePage(slack);
    expect(page).toContain('🟠 HIGH: alice@example.com: impossible travel Berlin → São Paulo');
    expect(page).toContain('<span class="button primary">Require re-sign-in</span>');
    expect(page).toContain('<span class="button danger">Suspend user</span>');
    expect(mrkdwn('*User*\nAlice &lt;a@x.test&gt; `id:1`')).toBe('<b>User</b><br>Alice &lt;a@x.test&gt; <code>id:1</code>');
    expect(mrkdwn('<https://x.test/a|Recent> <!date^1795267200^{date_short_pretty}|2026-11-21>')).toBe(
      '<a href="https://x.test/a">Recent</a> <span class="date">2026-11-21</span>',
    );
    expect(() => slackMessagePage({ blocks: [{ type: 'video' }] })).toThrow(/"video" is not rendered/);
  });
});

describe('docs/configuration.md', () => {
  it('documents every setting of .env.example', () => {
    const doc = read('docs/configuration.md');
    const settings = [...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
    expect(settings.length).toBeGreaterThan(40);
    for (const s of settings) expect(doc, s).toContain(`\`${s}\``);
  });
});
