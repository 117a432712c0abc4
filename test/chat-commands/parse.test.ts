import { describe, expect, it } from 'vitest';
import { exportSince, parseCommand, parseExportArgs, parsePeriodDays } from '../../src/chat-commands/index.js';

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

const DAY = 86_400_000;

describe('parseExportArgs (Slack `/vigil export`)', () => {
  it('is undefined for every other command, so the shared grammar handles them', () => {
    for (const text of ['', 'help', 'alerts all', 'status', 'activity a@b.c 7d', 'exports', 'exportcsv', 'frobnicate export']) expect(parseExportArgs(text)).toBeUndefined();
  });

  it('reads a period, a date and a format in any order, case-insensitively', () => {
    expect(parseExportArgs('export')).toEqual({ ok: true, args: { format: 'csv' } });
    expect(parseExportArgs('  EXPORT  ')).toEqual({ ok: true, args: { format: 'csv' } });
    expect(parseExportArgs('export 90d')).toEqual({ ok: true, args: { format: 'csv', days: 90 } });
    expect(parseExportArgs('export 90d json')).toEqual({ ok: true, args: { format: 'json', days: 90 } });
    expect(parseExportArgs('export JSON 2w')).toEqual({ ok: true, args: { format: 'json', days: 14 } });
    expect(parseExportArgs('export 12h csv')).toEqual({ ok: true, args: { format: 'csv', days: 0.5 } });
    expect(parseExportArgs('export 30')).toEqual({ ok: true, args: { format: 'csv', days: 30 } });
    expect(parseExportArgs('export 2026-01-31 json')).toEqual({ ok: true, args: { format: 'json', from: Date.UTC(2026, 0, 31) } });
    expect(parseExportArgs('export 2024-02-29')).toEqual({ ok: true, args: { format: 'csv', from: Date.UTC(2024, 1, 29) } });
  });

  it('gives the reason for anything it cannot read', () => {
    expect(parseExportArgs('export soon')).toEqual({ ok: false, problem: expect.stringContaining('"soon" is not a period or a format') });
    expect(parseExportArgs('export 0d')).toMatchObject({ ok: false, problem: expect.stringContaining('"0d"') });
    expect(parseExportArgs('export -3d')).toMatchObject({ ok: false });
    expect(parseExportArgs('export 2026-02-31')).toMatchObject({ ok: false, problem: expect.stringContaining('"2026-02-31"') });
    expect(parseExportArgs('export 2025-02-29')).toMatchObject({ ok: false });
    expect(parseExportArgs('export 2026-1-5')).toMatchObject({ ok: false });
    expect(parseExportArgs('export csv json')).toEqual({ ok: false, problem: expect.stringContaining('one format') });
    expect(parseExportArgs('export 7d 30d')).toEqual({ ok: false, problem: expect.stringContaining('one period') });
    expect(parseExportArgs('export xlsx')).toMatchObject({ ok: false, problem: expect.stringContaining('"xlsx"') });
    expect(parseExportArgs(`export ${'9'.repeat(100_000)}`)).toMatchObject({ ok: false });
  });

  it('turns the arguments into the earliest last-seen time', () => {
    const now = Date.UTC(2026, 10, 21, 12);
    expect(exportSince({ format: 'csv' }, now)).toBeUndefined();
    expect(exportSince({ format: 'csv', days: 90 }, now)).toBe(now - 90 * DAY);
    expect(exportSince({ format: 'csv', days: 0.5 }, now)).toBe(now - DAY / 2);
    expect(exportSince({ format: 'json', from: Date.UTC(2026, 0, 1) }, now)).toBe(Date.UTC(2026, 0, 1));
  });

  it('the shared grammar is unchanged: `export` is still unknown there (Teams answers it with help)', () => {
    expect(parseCommand('export 90d')).toEqual({ kind: 'help', problem: 'Unknown command "export".' });
  });
});
