import { expect } from 'vitest';
import { LIMITS } from '../../../src/channels/slack/text.js';

type J = Record<string, any>;

/** Every limit of the Block Kit subset we emit. */
export function assertWithinLimits(msg: { text: string; blocks: J[] }) {
  expect(msg.text.length).toBeGreaterThan(0);
  expect(msg.text.length).toBeLessThanOrEqual(LIMITS.fallback);
  expect(msg.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  const ids = msg.blocks.map((b) => b.block_id).filter(Boolean);
  expect(new Set(ids).size).toBe(ids.length);
  for (const b of msg.blocks) {
    if (b.block_id) expect(b.block_id.length).toBeLessThanOrEqual(LIMITS.blockId);
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.header);
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      if (b.fields) {
        expect(b.fields.length).toBeLessThanOrEqual(LIMITS.fields);
        for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
      }
    }
    if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
    if (b.type === 'actions')
      for (const e of b.elements) {
        if (e.type === 'button') {
          expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
          expect(e.value.length).toBeLessThanOrEqual(LIMITS.buttonValue);
        }
        if (e.confirm) {
          expect(e.confirm.title.text.length).toBeLessThanOrEqual(LIMITS.confirmTitle);
          expect(e.confirm.text.text.length).toBeLessThanOrEqual(LIMITS.confirmText);
        }
      }
  }
}

/** An App Home view (views.publish): type home, at most 100 blocks, each block within the limits above. */
export function assertHomeViewWithinLimits(view: { type: string; blocks: J[]; callback_id?: string }) {
  expect(view.type).toBe('home');
  expect(view.blocks.length).toBeGreaterThan(0);
  expect(view.blocks.length).toBeLessThanOrEqual(100);
  if (view.callback_id) expect(view.callback_id.length).toBeLessThanOrEqual(255);
  expect(JSON.stringify(view).length).toBeLessThan(250_000);
  const ids = view.blocks.map((b) => b.block_id).filter(Boolean);
  expect(new Set(ids).size).toBe(ids.length);
  // The message checks, minus the 50-block message cap (a home view allows 100).
  const chunks = [];
  for (let i = 0; i < view.blocks.length; i += LIMITS.blocks) chunks.push(view.blocks.slice(i, i + LIMITS.blocks));
  for (const blocks of chunks) assertWithinLimits({ text: 'home', blocks });
}
