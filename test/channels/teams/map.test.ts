import { describe, expect, it } from 'vitest';
import { renderAlertCard } from '../../../src/channels/teams/card.js';
import { createTeamsChannel } from '../../../src/channels/teams/channel.js';
import type { ConversationStore } from '../../../src/channels/teams/conversations.js';
import { TEAMS_CARD_BUDGET, withTravelMap } from '../../../src/channels/teams/map.js';
import type { TeamsSender } from '../../../src/channels/teams/sender.js';
import type { MapRenderer } from '../../../src/render/safe.js';
import { captureLogger } from '../../helpers/pipeline.js';
import { decodePng } from '../../render/png-decode.js';
import { TRIPS } from '../../render/trips.js';
import { assertTeamsCard } from './card-schema.js';
import { adaptiveCardProblems, sampleView } from './fixtures.js';

type J = Record<string, any>;
const travelView = (revision = 1) => sampleView({}, { facts: TRIPS.tokyoLosAngeles.facts, revision });
const imagesOf = (card: J): J[] => (card.body as J[]).filter((e) => e.type === 'Image');

/** createTeamsChannel with a recording sender and one known conversation (the Bot Connector is tested elsewhere). */
function channelWith(mapRenderer?: MapRenderer) {
  const { log, lines } = captureLogger();
  const sent: Array<{ op: 'post' | 'update'; activity: J }> = [];
  const sender = {
    post: async (_ref: unknown, activity: J) => (sent.push({ op: 'post', activity }), 'act-1'),
    update: async (_ref: unknown, _id: string, activity: J) => void sent.push({ op: 'update', activity }),
  } as unknown as TeamsSender;
  const conv = { id: 'conv-1', reference: { conversation: { id: 'conv-1' }, serviceUrl: 'https://smba.trafficmanager.net/emea/' } };
  const conversations = { alertTarget: async () => conv, get: async () => conv, markInactive: async () => undefined } as unknown as ConversationStore;
  const channel = createTeamsChannel({ sender, conversations, alertChannel: undefined, log, mapRenderer });
  return { channel, sent, lines, cardOf: (i: number) => sent[i]!.activity.attachments[0].content as J };
}

describe('Teams: the travel map in the alert card', () => {
  it('embeds the PNG as a data URI Image after the facts; the card stays valid Adaptive Card 1.5 and small', async () => {
    const { log } = captureLogger();
    const view = travelView();
    const card = await withTravelMap(renderAlertCard(view), view, { log });
    const [image] = imagesOf(card);
    expect(image).toMatchObject({ type: 'Image', size: 'Stretch', altText: 'Tokyo, Japan → Los Angeles, United States; 8,815 km · 2 h 5 min · 4,231 km/h' });
    const png = Buffer.from(String(image!.url).replace(/^data:image\/png;base64,/, ''), 'base64');
    expect(decodePng(png).width).toBe(480);
    const body = card.body as J[];
    expect(body[body.indexOf(image!) - 1]!.type).toBe('FactSet');
    // The text evidence is all still there: the card without the image is today's card.
    expect({ ...card, body: body.filter((e) => e.type !== 'Image') }).toEqual(renderAlertCard(view));
    expect(adaptiveCardProblems(card)).toEqual([]);
    expect(() => assertTeamsCard(card)).not.toThrow();
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(TEAMS_CARD_BUDGET);
  });

  it('posts and updates the card with its map; an alert without places gets none', async () => {
    const { channel, sent, cardOf } = channelWith();
    const ref = await channel.deliver(travelView(), undefined);
    await channel.deliver(travelView(2), { ref });
    await channel.deliver(sampleView({}, { id: 'al-other', facts: {} }), undefined);
    expect(sent.map((s) => s.op)).toEqual(['post', 'update', 'post']);
    expect([cardOf(0), cardOf(1), cardOf(2)].map((c) => imagesOf(c).length)).toEqual([1, 1, 0]);
    expect(Buffer.byteLength(JSON.stringify(sent[0]!.activity))).toBeLessThan(TEAMS_CARD_BUDGET + 1024);
  });

  it('a renderer that throws or rejects: the card goes at once without the image, with a warning', async () => {
    const renderers: MapRenderer[] = [
      () => {
        throw new Error('renderer exploded');
      },
      () => Promise.reject(new Error('renderer rejected')),
    ];
    for (const render of renderers) {
      const { channel, sent, lines, cardOf } = channelWith(render);
      const view = travelView();
      expect(await channel.deliver(view, undefined)).toEqual({ conversationId: 'conv-1', activityId: 'act-1' });
      expect(cardOf(0)).toEqual(renderAlertCard(view));
      expect(sent).toHaveLength(1);
      expect(lines.filter((l) => l.level === 40)).toEqual([expect.objectContaining({ alertId: view.alert.id, err: expect.stringMatching(/renderer (exploded|rejected)/) })]);
    }
  });

  it('a map that would push the card over the budget is left out', async () => {
    const { log, lines } = captureLogger();
    const view = travelView();
    const big = Buffer.alloc(50 * 1024, 7); // within the renderer's 60 KB budget, but 68 KB as base64
    const card = await withTravelMap(renderAlertCard(view), view, { log, render: () => big });
    expect(imagesOf(card)).toEqual([]);
    expect(card).toEqual(renderAlertCard(view));
    expect(lines.find((l) => l.level === 40)).toMatchObject({ msg: expect.stringContaining('too large'), budget: TEAMS_CARD_BUDGET });
  });
});
