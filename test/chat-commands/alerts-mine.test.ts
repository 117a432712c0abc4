import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/chat-commands/parse.js';
import { runCommand } from '../../src/chat-commands/run.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { makeAlert } from '../fixtures/alert.js';

const T = Date.UTC(2026, 11, 2, 9, 0);
const status = async () => ({ store: 'memory', integrations: [] });

describe('/vigil alerts mine', () => {
  it('lists the unresolved alerts the caller acknowledged or was assigned, on their own platform only', async () => {
    const store = createStore(createMemoryKV());
    const alice = { platform: 'slack' as const, id: 'U0ALICE', name: 'alice' };
    await store.saveAlerts([
      makeAlert({ id: 'mine-acked', title: 'mine acked', status: 'acknowledged', lastSeen: T, owner: { who: alice, at: T } }),
      makeAlert({ id: 'mine-assigned', title: 'mine assigned', status: 'acknowledged', lastSeen: T - 1, owner: { who: alice, at: T, assignedBy: { platform: 'slack', id: 'U0BOB' } } }),
      makeAlert({ id: 'mine-resolved', status: 'actioned', lastSeen: T, owner: { who: alice, at: T } }),
      makeAlert({ id: 'bobs', status: 'acknowledged', lastSeen: T, owner: { who: { platform: 'slack', id: 'U0BOB' }, at: T } }),
      makeAlert({ id: 'same-id-other-platform', status: 'acknowledged', lastSeen: T, owner: { who: { platform: 'teams', id: 'U0ALICE' }, at: T } }),
      makeAlert({ id: 'nobodys', status: 'open', lastSeen: T }),
    ]);
    const cmd = parseCommand('alerts mine');
    expect(cmd).toEqual({ kind: 'alerts', openOnly: true, mine: true });
    const r = await runCommand(cmd, { store, status, caller: { platform: 'slack', id: 'U0ALICE' } });
    expect(r.kind === 'alerts' && r.alerts.map((a) => a.id)).toEqual(['mine-acked', 'mine-assigned']);
    expect(r.kind === 'alerts' && r.mine).toBe(true);
    // Without a caller (the terminal) it is a clear problem, not everybody's alerts.
    expect((await runCommand(cmd, { store, status })).kind).toBe('help');
    // The open list names owners.
    const open = await runCommand(parseCommand('alerts'), { store, status });
    expect(open.kind === 'alerts' && open.alerts.find((a) => a.id === 'bobs')?.ownedBy).toBe('Acknowledged by slack:U0BOB');
    expect(parseCommand('alerts theirs')).toMatchObject({ kind: 'help', problem: expect.stringContaining('`mine`') });
  });
});
