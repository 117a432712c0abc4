import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isFailedLogin, normalizeAtlassianEvent, parseTime } from '../../../src/sources/atlassian/normalize.js';
import { rawEvent } from '../../fakes/atlassian.js';

const grove = JSON.parse(readFileSync(new URL('../../../../shared/fixtures/atlassian-org/grove-001.json', import.meta.url), 'utf8'));

describe('normalizeAtlassianEvent', () => {
  it('parses every event of the real-shape Grove page, with and without milliseconds', () => {
    const out = grove.data.map((e: unknown) => normalizeAtlassianEvent(e, 'atlassian-org'));
    expect(out.every((r: { ok: boolean }) => r.ok)).toBe(true);
    const first = out[0].event;
    expect(first.time).toBe(Date.parse('2022-05-12T19:13:13Z'));
    expect(out[1].event.time).toBe(Date.parse('2022-05-12T19:13:03.343Z'));
    expect(first.processedAt).toBe(first.time); // no processedAt on /events pages: falls back to time
    expect(first.actor).toMatchObject({ id: 'test_id', email: 'name@email.com', name: 'test name' });
    expect(first.targets).toEqual([
      { type: 'groups', id: 'test_id', name: 'test name' },
      { type: 'users', id: 'test_id', email: 'name@email.com', name: 'test name' },
    ]);
    expect(first.site).toEqual({ id: 'test_id', host: 'testhostname', name: 'sitename' });
    expect(first.location).toMatchObject({ ip: '00.00.00.00', countryName: 'country', region: 'region', city: 'city' });
    expect(first.interactive).toBe(true);
    expect(first.raw).toBe(grove.data[0]);
  });

  it('reads processedAt, geo coordinates and a token actor', () => {
    const raw = rawEvent({ time: Date.UTC(2025, 5, 2, 8, 14, 3, 512), processedAt: Date.UTC(2025, 5, 2, 8, 14, 5, 20), ip: '203.0.113.7', geo: '52.37,4.89', token: true });
    const r = normalizeAtlassianEvent(raw, 'atlassian-org');
    if (!r.ok) throw new Error(r.reason);
    expect(r.event.processedAt).toBe(Date.UTC(2025, 5, 2, 8, 14, 5, 20));
    expect(r.event.location).toMatchObject({ lat: 52.37, lon: 4.89, geoSource: 'event' });
    expect(r.event.actor.token).toEqual({ id: 'tok-1', label: 'ci-bot', type: 'container-token' });
    expect(r.event.interactive).toBe(false);
  });

  it('takes coordinates only from a well-formed "lat,lon" geo', () => {
    const geoOf = (geo: string) => {
      const raw = rawEvent({ time: 1, ip: '203.0.113.7', geo });
      const r = normalizeAtlassianEvent(raw, 'atlassian-org');
      return r.ok ? [r.event.location?.lat, r.event.location?.lon] : 'rejected';
    };
    expect(geoOf(' -33.87 , 151.21 ')).toEqual([-33.87, 151.21]);
    for (const bad of ['52.37,', ',4.89', '52.37', 'north,west', '95,10', '10,181', '52.37,4.89,1']) expect(geoOf(bad), bad).toEqual([undefined, undefined]);
  });

  it('tolerates a missing location, a missing actor email, nulls and unknown fields', () => {
    const raw = rawEvent({ time: Date.UTC(2025, 0, 1), email: undefined });
    delete raw.attributes.actor.email;
    raw.attributes.location = null;
    raw.relations = null;
    raw.attributes.somethingNew = { nested: true };
    const r = normalizeAtlassianEvent(raw, 'webhook');
    if (!r.ok) throw new Error(r.reason);
    expect(r.event.actor.email).toBeUndefined();
    expect(r.event.location).toBeUndefined();
    expect(r.event.source).toBe('webhook');
  });

  it('marks the Atlassian system actor and failed logins as non-interactive', () => {
    const sys = rawEvent({ time: 1 });
    sys.attributes.actor = { id: 'atlassian-internal', name: 'Atlassian Internal System' };
    const sysR = normalizeAtlassianEvent(sys, 'atlassian-org');
    expect(sysR.ok && sysR.event.interactive).toBe(false);
    const failed = normalizeAtlassianEvent(rawEvent({ time: 1, action: 'user_login_failed' }), 'atlassian-org');
    expect(failed.ok && failed.event.interactive).toBe(false);
    const named = normalizeAtlassianEvent(rawEvent({ time: 1, action: 'custom_key' }), 'atlassian-org', new Map([['custom_key', 'Login failed for account']]));
    expect(named.ok && named.event).toMatchObject({ interactive: false, actionName: 'Login failed for account' });
  });

  it('rejects malformed events with the event id and a reason', () => {
    const noTime = rawEvent({ id: 'bad-1', time: 1 });
    noTime.attributes.time = 'yesterday';
    expect(normalizeAtlassianEvent(noTime, 'atlassian-org')).toEqual({ ok: false, id: 'bad-1', reason: 'attributes.time: "yesterday" is not a date' });
    const noAction = rawEvent({ id: 'bad-2', time: 1 });
    delete noAction.attributes.action;
    const r = normalizeAtlassianEvent(noAction, 'atlassian-org');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.id).toBe('bad-2');
    expect(!r.ok && r.reason).toMatch(/attributes\.action/);
    expect(normalizeAtlassianEvent('not an object', 'atlassian-org').ok).toBe(false);
    expect(normalizeAtlassianEvent({ id: '', attributes: {} }, 'atlassian-org').ok).toBe(false);
  });
});

describe('parseTime', () => {
  it('accepts ISO with and without fractions (any precision) and offsets; rejects garbage', () => {
    expect(parseTime('2022-05-12T19:13:13Z')).toBe(Date.parse('2022-05-12T19:13:13Z'));
    expect(parseTime('2026-05-29T10:31:25.269207718Z')).toBe(Date.parse('2026-05-29T10:31:25.269Z'));
    expect(parseTime('2014-03-19T18:45:42.967+0000')).toBe(Date.parse('2014-03-19T18:45:42.967Z'));
    expect(parseTime('1780050685848')).toBe(1780050685848);
    expect(parseTime('tomorrow')).toBeUndefined();
    expect(parseTime('2022-13-45T99:99:99Z')).toBeUndefined();
  });
  it('recognises failed-login actions by key or display name only', () => {
    expect(isFailedLogin('user_login_failed')).toBe(true);
    expect(isFailedLogin('user_login')).toBe(false);
    expect(isFailedLogin('x', 'Logged in to account')).toBe(false);
    expect(isFailedLogin('x', 'Log in failed')).toBe(true);
  });
});
