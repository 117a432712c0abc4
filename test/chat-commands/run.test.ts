import { describe, expect, it } from 'vitest';
import { parseCommand, runCommand, listAlerts, formatAge } from '../../src/chat-commands/index.js';
import type { Alert } from '../../src/domain/index.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';

const NOW = Date.UTC(2026, 10, 21, 12);
const alert = (id: string, status: Alert['status'], lastSeen: number, severity: Alert['severity'] = 'high'): Alert => ({
  id, detection: 'impossible-travel', severity, title: `title ${id}`, summary: '', actor: { id: 'acc-alice', email: 'alice@example.com' }, eventIds: [], count: 1, firstSeen: lastSeen, lastSeen, evidence: [], facts: {}, mitre: [], status, revision: 1,
});

async function setup() {
  const store = createStore(createMemoryKV());
  await store.saveAlerts([alert('old', 'open', NOW - 5000), alert('new', 'open', NOW - 1000), alert('closed', 'dismissed', NOW - 500)]);
  return store;
}
const status = async () => ({ store: 'memory', cursorUpdatedAt: NOW - 120_000, integrations: [{ name: 'Slack', ok: true }] });

describe('runCommand', () => {
  it('alerts: open ones newest first; all includes dismissed', async () => {
    const store = await setup();
    const open = await runCommand(parseCommand('alerts'), { store, status, now: () => NOW });
    expect(open).toMatchObject({ kind: 'alerts', total: 2, alerts: [{ id: 'new' }, { id: 'old' }] });
    const all = await runCommand(parseCommand('alerts all'), { store, status, now: () => NOW });
    expect(all).toMatchObject({ total: 3, alerts: [{ id: 'closed' }, { id: 'new' }, { id: 'old' }] });
  });

  it('status: last sweep age, cursor age, store and integrations', async () => {
    const store = await setup();
    await store.saveLastSweep({ startedAt: NOW - 70_000, finishedAt: NOW - 60_000, events: 12, alerts: 1, skipped: 0, ok: true });
    const r = await runCommand(parseCommand('status'), { store, status, now: () => NOW });
    expect(r).toMatchObject({ kind: 'status', lastSweep: { agoMs: 60_000, events: 12 }, cursorAgeMs: 120_000, store: 'memory', integrations: [{ name: 'Slack', ok: true }] });
    expect(formatAge(60_000)).toBe('1 min');
    expect(formatAge(3 * 86_400_000)).toBe('3 d');
  });

  it('activity by email reads the recorded activity and the user\'s open alerts', async () => {
    const store = await setup();
    await store.recordActivity([
      { id: 'e1', time: NOW - 3600_000, processedAt: NOW, source: 'demo', action: 'user_login', actor: { id: 'acc-alice', email: 'alice@example.com' }, interactive: true, targets: [], location: { ip: '203.0.113.7', countryName: 'Germany' }, raw: {} },
    ]);
    const r = await runCommand(parseCommand('activity Alice@Example.com 7d'), { store, status, now: () => NOW });
    expect(r).toMatchObject({ kind: 'activity', found: true, accountId: 'acc-alice', signIns: { total: 1 }, openAlerts: [{ id: 'new' }, { id: 'old' }] });
    const missing = await runCommand(parseCommand('activity nobody@example.com'), { store, status, now: () => NOW });
    expect(missing).toMatchObject({ found: false });
  });

  it('help carries the usage lines', async () => {
    const r = await runCommand(parseCommand('what'), { store: await setup(), status, now: () => NOW });
    expect(r).toMatchObject({ kind: 'help', problem: 'Unknown command "what".' });
    expect(r.kind === 'help' && r.usage.map((u) => u.syntax.split(' ')[0])).toEqual(['activity', 'alerts', 'status', 'help']);
  });

  it('listAlerts cuts to the limit but reports the total', () => {
    const many = Array.from({ length: 30 }, (_, i) => alert(`a${i}`, 'open', NOW - i));
    const r = listAlerts(many, { openOnly: true, limit: 5 });
    expect(r.total).toBe(30);
    expect(r.alerts.map((a) => a.id)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
  });
});
