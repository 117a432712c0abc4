import nock from 'nock';
import { API } from './fixtures.js';

export interface SlackCall {
  method: string;
  body: Record<string, any>;
}
type Reply = Record<string, unknown> | [number, Record<string, unknown>, Record<string, string>?];

/** Parse a Web API request body (WebClient sends form-encoded fields; blocks and views are JSON strings). */
export function parseBody(raw: unknown): Record<string, any> {
  if (raw && typeof raw === 'object') return raw as Record<string, any>;
  const s = String(raw ?? '');
  if (s.startsWith('{')) return JSON.parse(s);
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(s)) {
    if (v.startsWith('[') || v.startsWith('{')) {
      try {
        out[k] = JSON.parse(v);
        continue;
      } catch {
        /* a plain string */
      }
    }
    out[k] = v;
  }
  return out;
}

/**
 * A nock fake of the Slack Web API methods Vigil calls, answering in the documented shapes
 * (`{ok:true,...}`, `{ok:false,error}`, 429 with Retry-After). Handlers can be replaced per test; every call is recorded.
 */
export function fakeSlackApi(opts: { groupMembers?: string[]; emails?: Record<string, string> } = {}) {
  const calls: SlackCall[] = [];
  let seq = 100;
  const queued = new Map<string, Reply[]>();
  const handlers: Record<string, (body: Record<string, any>) => Reply> = {
    'auth.test': () => ({ ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'vigil', team_id: 'T0TEAM', user_id: 'U0BOT', bot_id: 'B0BOT' }),
    'chat.postMessage': (b) => ({ ok: true, channel: b.channel, ts: `1700000000.000${seq++}`, message: { text: b.text } }),
    'chat.update': (b) => ({ ok: true, channel: b.channel, ts: b.ts, text: b.text }),
    'chat.postEphemeral': () => ({ ok: true, message_ts: `1700000000.000${seq++}` }),
    'views.open': (b) => ({ ok: true, view: { id: 'V0MODAL', ...b.view } }),
    'usergroups.users.list': () => ({ ok: true, users: opts.groupMembers ?? [] }),
    'users.info': (b) => {
      const email = opts.emails?.[b.user];
      return email ? { ok: true, user: { id: b.user, name: 'user', profile: { email } } } : { ok: false, error: 'user_not_found' };
    },
    'users.lookupByEmail': (b) => {
      const id = Object.entries(opts.emails ?? {}).find(([, e]) => e === b.email)?.[0];
      return id ? { ok: true, user: { id, name: 'user', profile: { email: b.email } } } : { ok: false, error: 'users_not_found' };
    },
    'conversations.open': (b) => ({ ok: true, channel: { id: `D0${String(b.users).slice(1)}` } }),
  };
  nock(API)
    .persist()
    .post(/^\/api\/[a-zA-Z.]+$/)
    .reply((uri, raw) => {
      const method = uri.split('/').pop()!;
      const body = parseBody(raw);
      calls.push({ method, body });
      const next = queued.get(method)?.shift() ?? handlers[method]?.(body) ?? { ok: false, error: 'unknown_method' };
      return Array.isArray(next) ? [next[0], next[1], next[2] ?? {}] : [200, next];
    });
  return {
    calls,
    /** Answer the next call of `method` with this reply (then back to the default). */
    once(method: string, reply: Reply) {
      queued.set(method, [...(queued.get(method) ?? []), reply]);
    },
    handlers,
    of: (method: string) => calls.filter((c) => c.method === method).map((c) => c.body),
  };
}

/** The response_url of slash commands and block actions (hooks.slack.com). */
export function fakeResponseUrl(path = '/commands/T0TEAM/1/abc') {
  const posts: Array<Record<string, any>> = [];
  nock('https://hooks.slack.com')
    .persist()
    .post(path)
    .reply(200, (_u, body) => {
      posts.push(typeof body === 'string' ? JSON.parse(body) : (body as Record<string, any>));
      return 'ok';
    });
  return posts;
}
