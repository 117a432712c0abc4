import { describe, expect, it } from 'vitest';
import { parseCommand, parsePeriodDays } from '../../src/chat-commands/index.js';

describe('command parsing', () => {
  it('reads every command form', () => {
    expect(parseCommand('activity alice@example.com')).toEqual({ kind: 'activity', who: 'alice@example.com', days: 7 });
    expect(parseCommand('  ACTIVITY   <mailto:alice@example.com|alice@example.com>  24h ')).toEqual({ kind: 'activity', who: 'alice@example.com', days: 1 });
    expect(parseCommand('activity <@U0DAVE|dave> 2w')).toEqual({ kind: 'activity', who: '<@U0DAVE|dave>', days: 14 });
    expect(parseCommand('activity 557058:abc 90d')).toEqual({ kind: 'activity', who: '557058:abc', days: 30 });
    expect(parseCommand('alerts')).toEqual({ kind: 'alerts', openOnly: true });
    expect(parseCommand('alerts all')).toEqual({ kind: 'alerts', openOnly: false });
    expect(parseCommand('status')).toEqual({ kind: 'status' });
    expect(parseCommand('help')).toEqual({ kind: 'help' });
    expect(parseCommand('')).toEqual({ kind: 'help' });
  });

  it('turns anything unexpected into help with the reason, never an error', () => {
    expect(parseCommand('frobnicate')).toEqual({ kind: 'help', problem: 'Unknown command "frobnicate".' });
    expect(parseCommand('activity')).toMatchObject({ kind: 'help', problem: expect.stringContaining('needs one user') });
    expect(parseCommand('activity a@b.c soon')).toMatchObject({ kind: 'help', problem: expect.stringContaining('not a period') });
    expect(parseCommand('activity a@b.c 7d extra')).toMatchObject({ kind: 'help' });
    expect(parseCommand('alerts closed')).toMatchObject({ kind: 'help', problem: expect.stringContaining('`open`') });
    expect(parseCommand('status now')).toMatchObject({ kind: 'help' });
    expect(parseCommand('x'.repeat(100_000))).toMatchObject({ kind: 'help' });
  });

  it('periods', () => {
    expect(parsePeriodDays('7')).toBe(7);
    expect(parsePeriodDays('12h')).toBe(0.5);
    expect(parsePeriodDays('0d')).toBeUndefined();
    expect(parsePeriodDays('-3d')).toBeUndefined();
    expect(parsePeriodDays('7y')).toBeUndefined();
  });
});
