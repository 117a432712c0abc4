import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { seeded } from '../fixtures/random.js';

export interface SlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: Array<Record<string, any>>;
  thread_ts?: string;
  bot_id: string;
  /** Files shared with the message (files.completeUploadExternal). */
  files?: Array<{ id: string; title?: string }>;
}

/** A file started with files.getUploadURLExternal; `bytes` once POSTed to its upload_url. */
export interface SlackUpload {
  fileId: string;
  filename: string;
  length: number;
  altText?: string;
  bytes?: Buffer;
  /** The upload_url's path on this fake. */
  path: string;
  shared?: { channel_id?: string; thread_ts?: string; title?: string; initial_comment?: string };
}

export interface SlackCall {
  method: string;
  body: Record<string, any>;
  auth?: string;
  /** Answered with this HTTP status (429 for injected rate limits). */
  status: number;
  /** The Retry-After sent with a 429, seconds. */
  retryAfterS?: number;
  /** When the call arrived, by the clock the fake was started with (`opts.now`, default Date.now). */
  at: number;
}

/** A scripted answer: a Web API body (HTTP 200) or [status, body, headers]. */
export type SlackReply = Record<string, unknown> | [number, Record<string, unknown>, Record<string, string>?];

export interface FakeSlack {
  /** Base for SLACK_API_URL (the WebClient appends `<method>`). */
  url: string;
  token: string;
  calls: SlackCall[];
  /** Every message posted, by channel, in posting order (thread replies included, with thread_ts). */
  messages: SlackMessage[];
  /** Answer the next `count` calls of `method` (or of every method with '*') with 429 and this Retry-After. */
  rateLimit(method: string, count: number, retryAfterS?: number): void;
  /** Fraction (0..1) of write calls answered 429 at random (seeded); 0 turns it off. */
  rateLimitRate: number;
  /** Bodies of the calls of `method` that were answered HTTP 200 (a scripted 429 is in `calls`, not here). */
  of(method: string): Array<Record<string, any>>;
  /** Answer the next call of `method` with this reply (then back to the default handler). */
  once(method: string, reply: SlackReply): void;
  /** The method handlers; a test may replace or add one (e.g. files.getUploadURLExternal). */
  handlers: Record<string, (b: Record<string, any>) => Record<string, unknown>>;
  /** A message already in the channel history (a card posted before the test began). */
  seed(message: Omit<SlackMessage, 'bot_id'>): void;
  /** The bodies posted to responseUrl(id), live (the array fills as Vigil answers). */
  replies(id: string): Array<Record<string, any>>;
  /** Called after a call took effect and before its reply is sent (tests crash the client at precise points). */
  onCall?: (method: string, body: Record<string, any>) => void;
  /** Messages posted to response_url addresses (`<origin>/response/<anything>`), in order, with their path. */
  responses: Array<{ path: string; body: Record<string, any> }>;
  /** A response_url on this fake (slash commands and block actions reply there). */
  responseUrl(id: string): string;
  /** The last view views.publish set per user (the App Home tab each user sees now). */
  homes: Map<string, Record<string, any>>;
  /** Files started with files.getUploadURLExternal, in order (with their bytes once uploaded). */
  uploads: SlackUpload[];
  /** Top-level alert cards: messages whose header block id is `h:<alertId>:…`. */
  cards(): Array<{ alertId: string; message: SlackMessage }>;
  close(): Promise<void>;
}

/** Parse a Web API body: form-encoded (what WebClient sends; blocks arrive as JSON strings) or JSON. */
function parseBody(raw: string, type: string | undefined): Record<string, any> {
  if (type?.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
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

const WRITES = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral']);

/**
 * A loopback Slack Web API (https://api.slack.com/web): `POST /api/<method>` with a bearer token, answering
 * HTTP 200 `{ok:true,...}` or `{ok:false,error}` as Slack does, and HTTP 429 with `Retry-After` (seconds) and
 * `{ok:false,error:"ratelimited"}` when rate limited. Keeps the channel history so conversations.history
 * answers like Slack (newest first, `oldest` exclusive, cursor paging).
 */
export async function startFakeSlack(
  opts: { token?: string; seed?: number; emails?: Record<string, string>; groupMembers?: string[]; now?: () => number } = {},
): Promise<FakeSlack> {
  const clock = opts.now ?? Date.now;
  const token = opts.token ?? 'xoxb-0000-1111-fakeslacktoken';
  const rand = seeded(opts.seed ?? 7);
  let seq = 0;
  let origin = ''; // http://127.0.0.1:<port>, once listening
  const limits: Array<{ method: string; left: number; retryAfterS: number }> = [];
  const queued = new Map<string, SlackReply[]>();
  const replies = new Map<string, Array<Record<string, any>>>();
  // Like Slack: epoch seconds, a unique 6-digit suffix, increasing.
  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq % 1_000_000).padStart(6, '0')}`;

  const fake = {
    token,
    handlers: {} as FakeSlack['handlers'],
    calls: [] as SlackCall[],
    messages: [] as SlackMessage[],
    rateLimitRate: 0,
    responses: [] as Array<{ path: string; body: Record<string, any> }>,
    homes: new Map<string, Record<string, any>>(),
    uploads: [] as SlackUpload[],
    rateLimit(method: string, count: number, retryAfterS = 1) {
      limits.push({ method, left: count, retryAfterS });
    },
    of(method: string) {
      return fake.calls.filter((c) => c.method === method && c.status === 200).map((c) => c.body);
    },
    once(method: string, reply: SlackReply) {
      queued.set(method, [...(queued.get(method) ?? []), reply]);
    },
    seed(m: Omit<SlackMessage, 'bot_id'>) {
      fake.messages.push({ ...m, bot_id: 'B0BOT' });
    },
    replies(id: string) {
      const path = `/response/${encodeURIComponent(id)}`;
      if (!replies.has(path)) replies.set(path, []);
      return replies.get(path)!;
    },
    cards() {
      const out: Array<{ alertId: string; message: SlackMessage }> = [];
      for (const m of fake.messages) {
        const header = m.blocks?.find((b) => typeof b.block_id === 'string' && b.block_id.startsWith('h:'));
        if (header) out.push({ alertId: String(header.block_id).split(':')[1]!, message: m });
      }
      return out;
    },
  };

  const methods: FakeSlack['handlers'] = {
    'auth.test': () => ({ ok: true, url: 'https://example.slack.com/', team: 'Example', user: 'vigil', team_id: 'T0TEAM', user_id: 'U0BOT', bot_id: 'B0BOT' }),
    'chat.postMessage': (b) => {
      if (!b.channel) return { ok: false, error: 'channel_not_found' };
      if (!b.text && !b.blocks) return { ok: false, error: 'no_text' };
      const m: SlackMessage = { channel: String(b.channel), ts: nextTs(), text: b.text, blocks: b.blocks, thread_ts: b.thread_ts || undefined, bot_id: 'B0BOT' };
      fake.messages.push(m);
      return { ok: true, channel: m.channel, ts: m.ts, message: { type: 'message', text: m.text, bot_id: 'B0BOT', ts: m.ts } };
    },
    'chat.update': (b) => {
      const m = fake.messages.find((x) => x.channel === b.channel && x.ts === b.ts);
      if (!m) return { ok: false, error: 'message_not_found' };
      m.text = b.text;
      if (b.blocks) m.blocks = b.blocks;
      return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
    },
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    // Documented shape: https://<workspace>.slack.com/archives/<channel>/p<ts without the dot>.
    'chat.getPermalink': (b) => {
      const m = fake.messages.find((x) => x.channel === b.channel && x.ts === b.message_ts);
      if (!m) return { ok: false, error: 'message_not_found' };
      return { ok: true, channel: m.channel, permalink: `https://example.slack.com/archives/${m.channel}/p${m.ts.replace('.', '')}` };
    },
    'conversations.history': (b) => {
      const oldest = Number(b.oldest ?? 0);
      const limit = Math.min(Number(b.limit ?? 100), 999);
      const all = fake.messages.filter((m) => m.channel === b.channel && !m.thread_ts && Number(m.ts) > oldest).reverse();
      const offset = b.cursor ? Number(Buffer.from(String(b.cursor), 'base64').toString()) : 0;
      const page = all.slice(offset, offset + limit);
      const more = offset + limit < all.length;
      return {
        ok: true,
        messages: page.map((m) => ({ type: 'message', ts: m.ts, text: m.text, blocks: m.blocks, bot_id: m.bot_id })),
        has_more: more,
        response_metadata: { next_cursor: more ? Buffer.from(String(offset + limit)).toString('base64') : '' },
      };
    },
    'conversations.open': (b) => ({ ok: true, channel: { id: `D0${String(b.users ?? 'X').slice(1)}` } }),
    'users.info': (b) => {
      const email = opts.emails?.[b.user];
      return email ? { ok: true, user: { id: b.user, name: 'user', profile: { email } } } : { ok: false, error: 'user_not_found' };
    },
    'users.lookupByEmail': (b) => {
      const id = Object.entries(opts.emails ?? {}).find(([, e]) => e === b.email)?.[0];
      return id ? { ok: true, user: { id, name: 'user', profile: { email: b.email } } } : { ok: false, error: 'users_not_found' };
    },
    'usergroups.users.list': () => ({ ok: true, users: opts.groupMembers ?? [] }),
    'views.open': (b) => ({ ok: true, view: { id: 'V0MODAL', ...b.view } }),
    // docs.slack.dev/reference/methods/views.publish: user_id + a view of type "home"; answers the view with its id.
    'views.publish': (b) => {
      if (typeof b.user_id !== 'string' || !/^[UW][A-Z0-9]+$/.test(b.user_id)) return { ok: false, error: 'invalid_arguments' };
      if (b.view?.type !== 'home' || !Array.isArray(b.view.blocks)) return { ok: false, error: 'invalid_arguments' };
      if (b.view.blocks.length > 100) return { ok: false, error: 'invalid_blocks' };
      fake.homes.set(b.user_id, b.view);
      return { ok: true, view: { id: `V0HOME${b.user_id}`, team_id: 'T0TEAM', ...b.view } };
    },
    // https://docs.slack.dev/reference/methods/files.getUploadURLExternal: filename + length (bytes) required.
    'files.getUploadURLExternal': (b) => {
      const length = Number(b.length);
      if (!b.filename || !Number.isInteger(length) || length <= 0) return { ok: false, error: 'invalid_arguments' };
      const fileId = `F0MAP${String(fake.uploads.length + 1).padStart(4, '0')}`;
      const path = `/upload/v1/${fileId.toLowerCase()}`;
      fake.uploads.push({ fileId, filename: String(b.filename), length, altText: b.alt_txt, path });
      return { ok: true, upload_url: `${origin}${path}`, file_id: fileId };
    },
    // https://docs.slack.dev/reference/methods/files.completeUploadExternal: files [{id, title?}], channel_id, thread_ts.
    'files.completeUploadExternal': (b) => {
      const files = Array.isArray(b.files) ? (b.files as Array<{ id?: string; title?: string }>) : [];
      if (files.length === 0) return { ok: false, error: 'invalid_arguments' };
      const ups = files.map((f) => fake.uploads.find((u) => u.fileId === f.id && u.bytes));
      if (ups.some((u) => !u)) return { ok: false, error: 'file_not_found' };
      for (const [i, u] of ups.entries()) u!.shared = { channel_id: b.channel_id, thread_ts: b.thread_ts, title: files[i]!.title, initial_comment: b.initial_comment };
      if (b.channel_id) {
        const m: SlackMessage = { channel: String(b.channel_id), ts: nextTs(), text: b.initial_comment, thread_ts: b.thread_ts || undefined, bot_id: 'B0BOT', files: files.map((f) => ({ id: f.id!, title: f.title })) };
        fake.messages.push(m);
      }
      return { ok: true, files: ups.map((u, i) => ({ id: u!.fileId, name: u!.filename, title: files[i]!.title ?? u!.filename, mimetype: 'image/png', size: u!.length })) };
    },
  };
  fake.handlers = methods;

  const handler = (req: IncomingMessage, res: ServerResponse, rawBytes: Buffer) => {
    const raw = rawBytes.toString('utf8');
    if (req.url?.startsWith('/response/')) {
      // response_url: JSON body, plain "ok" answer (as hooks.slack.com does).
      let body: Record<string, any> = {};
      try {
        body = JSON.parse(raw);
      } catch {
        body = { unparsable: raw };
      }
      fake.responses.push({ path: req.url, body });
      replies.get(req.url)?.push(body);
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('ok');
    }
    if (req.url?.startsWith('/upload/')) {
      // An upload_url from files.getUploadURLExternal: the raw bytes, answered "OK - <length>" as Slack's file service does.
      const up = fake.uploads.find((u) => u.path === req.url);
      if (!up || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('not found');
      }
      up.bytes = rawBytes;
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`OK - ${rawBytes.length}`);
    }
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(body));
    };
    let body: Record<string, any>;
    try {
      body = parseBody(raw, req.headers['content-type']);
    } catch {
      return send(200, { ok: false, error: 'invalid_json' });
    }
    const auth = req.headers.authorization;
    const limit = limits.find((l) => l.left > 0 && (l.method === method || l.method === '*'));
    const randomLimit = !limit && WRITES.has(method) && fake.rateLimitRate > 0 && rand() < fake.rateLimitRate;
    if (limit || randomLimit) {
      if (limit) limit.left--;
      const retryAfterS = limit?.retryAfterS ?? 1;
      fake.calls.push({ method, body, auth, status: 429, retryAfterS, at: clock() });
      return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfterS) });
    }
    const scripted = queued.get(method)?.shift();
    if (scripted) {
      const [status, answer, headers] = Array.isArray(scripted) ? scripted : [200, scripted, {}];
      const retryAfter = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
      fake.calls.push({ method, body, auth, status, at: clock(), ...(retryAfter ? { retryAfterS: Number(retryAfter) } : {}) });
      return send(status, answer, headers);
    }
    fake.calls.push({ method, body, auth, status: 200, at: clock() });
    const tokenSent = auth?.replace(/^Bearer\s+/i, '') ?? body.token;
    if (tokenSent !== token) return send(200, { ok: false, error: tokenSent ? 'invalid_auth' : 'not_authed' });
    const fn = fake.handlers[method];
    const answer = fn ? fn(body) : { ok: false, error: 'unknown_method' };
    (fake as FakeSlack).onCall?.(method, body); // before the reply: a client killed here never learns the ts
    send(200, answer);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  origin = `http://127.0.0.1:${port}`;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/api`,
    responseUrl: (id: string) => `http://127.0.0.1:${port}/response/${encodeURIComponent(id)}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  });
}
