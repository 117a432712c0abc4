import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/commands.js';
import { formatAlertTable, formatAlertText } from '../../src/channels/terminal.js';
import { formatDoctorTable } from '../../src/doctor/index.js';
import { terminalSafe, terminalSafeLines } from '../../src/lib/terminal-safe.js';
import { createLogger, prettyLine } from '../../src/log.js';
import { createMemoryKV } from '../../src/store/kv.js';
import { createStore } from '../../src/store/store.js';
import { rawEvent } from '../helpers/fake-atlassian.js';
import { TOR_IP } from '../helpers/pipeline.js';
import { DANA_T0 as T0, makeAlert } from '../fixtures/alert.js';

/**
 * Finding 3 of issue 14: a display name that clears the analyst's screen, homes the cursor, sets the window
 * title (OSC), and prints a fake "ALL CLEAR" row on a new line. Atlassian users set their own display names.
 */
const EVIL = 'Mallory\u001b[2J\u001b[H\u001b]0;pwned\u0007\u001b]8;;https://evil.example\u001b\\link\u001b]8;;\u001b\\\r\nALL CLEAR  nothing to see\u009b31m\u202etxt.exe\u0000';
/** Anything a terminal acts on: C0 except the line breaks we print ourselves, DEL, C1, bidi overrides. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe', () => {
  it('shows every control character as a visible escape and keeps the rest', () => {
    const out = terminalSafe(EVIL);
    expect(out).not.toMatch(RAW_CONTROL);
    expect(out).not.toContain('\n');
    expect(out).toContain('Mallory\\e[2J\\e[H\\e]0;pwned\\x07');
    expect(out).toContain('\\r\\nALL CLEAR');
    expect(out).toContain('\\x9b31m\\u202etxt.exe\\x00');
    expect(terminalSafe('São Paulo — ok ✓')).toBe('São Paulo — ok ✓');
    expect(terminalSafeLines('a\u001b[2J\r\nb\u009b\n')).toBe('a\\e[2J\nb\\x9b\n');
  });
});

describe('outside text printed to a terminal', () => {
  it('vigil replay --format table (the real CLI): one row per alert, nothing the terminal would obey', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-escape-'));
    const events = [0, 1, 2].map((i) => {
      const e = rawEvent({ time: T0 + i * 60_000, ip: TOR_IP, city: EVIL, actorId: `acct-evil-${i}` });
      delete e.attributes.actor.email;
      e.attributes.actor.name = EVIL;
      e.attributes.context = [];
      return e;
    });
    writeFileSync(path.join(dir, 'events.ndjson'), events.map((e) => JSON.stringify(e)).join('\n'));
    writeFileSync(path.join(dir, 'tor.txt'), `${TOR_IP}\n`);
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(path.resolve('node_modules/tsx/dist/loader.mjs')).href, path.resolve('src/cli/main.ts'), 'replay', 'events.ndjson', '--format', 'table'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, VIGIL_ANONYMOUS_IP_LISTS: path.join(dir, 'tor.txt'), VIGIL_GEOIP_DB: 'off', VIGIL_TOR_EXIT_LIST_URL: 'off', LOG_LEVEL: 'warn' },
    });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.replace(/\n$/, '').split('\n');
    const rows = lines.slice(2);
    expect(rows.length).toBeGreaterThan(0);
    // The evil name reached the table (as the actor), shown escaped, and started no line of its own.
    expect(r.stdout).toContain('Mallory\\e[2J');
    for (const line of lines) {
      expect(line).not.toMatch(RAW_CONTROL);
      expect(line.startsWith('ALL CLEAR')).toBe(false);
    }
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    // Every row is an alert row: it starts with the first-seen date.
    for (const row of rows) expect(row).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} /);
  });

  it('the readable log format: one line per entry, message and fields escaped', () => {
    const line = prettyLine(JSON.stringify({ time: T0, level: 40, msg: `login by ${EVIL}`, actor: EVIL, nested: { city: EVIL }, [EVIL]: 1 }));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).toContain('login by Mallory\\e[2J');
    // Not JSON at all: printed escaped too.
    expect(prettyLine(`garbage ${EVIL}`)).not.toMatch(RAW_CONTROL);
  });

  it('JSON log lines: C1 controls and bidi overrides escaped as well (JSON only escapes C0)', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c.toString()));
    const log = createLogger('info', out);
    log.warn({ actor: EVIL }, `message ${EVIL}`);
    expect(text).not.toMatch(RAW_CONTROL);
    const entry = JSON.parse(text) as { actor: string; msg: string };
    expect(entry.actor).toBe(EVIL); // still the exact value for whoever parses the JSON
  });

  it('demo cards, doctor table and a CSV export to a terminal', async () => {
    const alert = { ...makeAlert({ id: 'evil' }), title: `Impossible travel by ${EVIL}`, evidence: [{ label: EVIL, value: EVIL }] };
    expect(formatAlertText(alert, true).replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(RAW_CONTROL);
    expect(formatAlertTable([alert]).split('\n')).toHaveLength(3);
    const doctor = formatDoctorTable([{ group: 'slack', check: 'slack.channel', status: 'fail', detail: `channel ${EVIL} not found`, fix: EVIL }]);
    expect(doctor).not.toMatch(RAW_CONTROL);
    expect(doctor).toContain('channel Mallory\\e[2J');

    const store = createStore(createMemoryKV());
    await store.saveAlerts([alert]);
    const stdout = Object.assign(new PassThrough(), { isTTY: true });
    let csv = '';
    stdout.on('data', (c: Buffer) => (csv += c.toString()));
    expect(await exportCommand(['--since', '3650d'], { env: { VIGIL_STORE_URL: 'memory://' }, stdout, stderr: new PassThrough(), openStore: async () => store, now: () => T0 })).toBe(0);
    expect(csv).toContain('Mallory\\e[2J');
    expect(csv).not.toMatch(RAW_CONTROL);
  });

  it('exports written to a file are private (0600) even with umask 022 and over an existing 0644 file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-export-mode-'));
    const fresh = path.join(dir, 'fresh.csv');
    const existing = path.join(dir, 'existing.csv');
    writeFileSync(existing, 'old', { mode: 0o644 });
    const store = createStore(createMemoryKV());
    await store.saveAlerts([makeAlert({ id: 'a', lastSeen: T0 })]);
    const old = process.umask(0o022);
    try {
      for (const file of [fresh, existing])
        expect(await exportCommand(['--out', file], { env: { VIGIL_STORE_URL: 'memory://' }, stderr: new PassThrough(), openStore: async () => store, now: () => T0 })).toBe(0);
    } finally {
      process.umask(old);
    }
    expect(statSync(fresh).mode & 0o777).toBe(0o600);
    expect(statSync(existing).mode & 0o777).toBe(0o600);
  });
});
