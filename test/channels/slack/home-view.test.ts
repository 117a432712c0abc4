import { describe, expect, it } from 'vitest';
import { buildHome } from '../../../src/chat-commands/index.js';
import { renderHomeView, renderNotResponderHome } from '../../../src/channels/slack/home-view.js';
import { expectGolden } from '../../fixtures/golden.js';
import { HOME_NOW, homeAlert, homeFixture } from '../../fixtures/home.js';
import { assertHomeViewWithinLimits } from './block-limits.js';

const golden = (name: string, value: unknown) => expectGolden(new URL('./golden/', import.meta.url), name, value);
const alice = { platform: 'slack', id: 'U0ALICE' } as const;

describe('Slack App Home view', () => {
  it('matches the golden home and stays within Block Kit limits', () => {
    const view = renderHomeView(buildHome(homeFixture(), alice, HOME_NOW));
    golden('home', view);
    assertHomeViewWithinLimits(view as never);
  });

  it('escapes every outside string: no broadcast, mention or link can be smuggled in', () => {
    const text = JSON.stringify(renderHomeView(buildHome(homeFixture(), alice, HOME_NOW)));
    expect(text).toContain('&lt;!channel&gt; *eve* [click](https://evil.example)');
    expect(text).not.toContain('<!channel>');
    // Bob's ownership is a real Slack mention (an id Slack gave us), alice's own is "you".
    expect(text).toContain('Acknowledged by <@U0BOB> since');
    expect(text).toContain('⭐ 🟡 *trent@example.com');
    expect(text).toContain('Assigned to you by <@U0BOB> since');
    // A Teams owner on the Slack home is named, not mentioned.
    expect(text).toContain('Acknowledged by Alice Admin since');
  });

  it('a full home (long titles, many alerts and detections) still fits', () => {
    const data = homeFixture();
    data.open = Array.from({ length: 60 }, (_, i) => homeAlert(`a${i}`, { title: `${'<@U0EVIL> '.repeat(400)}${i}`, actor: { id: 'x'.repeat(500), name: '&'.repeat(900) } }));
    data.index = Array.from({ length: 500 }, (_, i) => ({ id: `i${i}`, lastSeen: HOME_NOW - i * 3_600_000, detection: `policy:${'d'.repeat(90)}${i % 30}`, status: 'open' }));
    const view = renderHomeView(buildHome(data, alice, HOME_NOW));
    assertHomeViewWithinLimits(view as never);
    expect(JSON.stringify(view)).toContain('…and 485 more');
  });

  it('an empty store: no open alerts, no counts, no sweep yet', () => {
    const view = renderHomeView(buildHome({ index: [], open: [], status: { store: 'memory', integrations: [] } }, alice, HOME_NOW));
    assertHomeViewWithinLimits(view as never);
    const text = JSON.stringify(view);
    expect(text).toContain('No open alerts. 🎉');
    expect(text).toContain('no sweep has run yet');
  });

  it('a non-responder sees a short notice and no alert data', () => {
    const view = renderNotResponderHome();
    golden('home-not-responder', view);
    assertHomeViewWithinLimits(view as never);
    expect(JSON.stringify(view)).toContain('You are not a Vigil responder');
  });
});
