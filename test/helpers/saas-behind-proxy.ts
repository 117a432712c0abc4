import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

// The internet as a strict egress proxy sees it, on loopback: a CONNECT proxy that logs every host it is asked
// for and tunnels the allowed ones to ONE local TLS server, which answers as each SaaS host (by Host header /
// SNI) with a certificate for the real names, signed by a test CA the client trusts via NODE_EXTRA_CA_CERTS.
// A call that bypasses the proxy cannot reach these fakes: it resolves the real name and fails.

const TLS_DIR = new URL('../fixtures/tls/', import.meta.url);
export const TEST_CA_FILE = new URL('ca.pem', TLS_DIR).pathname;

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface SaasRequest {
  host: string;
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

const port = (s: Server) => (s.address() as { port: number }).port;

/** JSON answer helper. */
export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A WebSocket server side, just enough for Slack Socket Mode: handshake, text frames out, ping → pong. */
function acceptWebSocket(req: IncomingMessage, socket: Duplex, onOpen: (send: (text: string) => void) => void): void {
  const key = String(req.headers['sec-websocket-key'] ?? '');
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const frame = (opcode: number, payload: Buffer) => {
    const head = payload.length < 126 ? Buffer.from([0x80 | opcode, payload.length]) : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 255]);
    socket.write(Buffer.concat([head, payload]));
  };
  let buffered = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    // Client frames are masked; only small control frames matter here (pings, close).
    while (buffered.length >= 6) {
      const opcode = buffered[0]! & 0x0f;
      const len = buffered[1]! & 0x7f;
      if (len >= 126 || buffered.length < 6 + len) break;
      const mask = buffered.subarray(2, 6);
      const payload = Buffer.from(buffered.subarray(6, 6 + len).map((b, i) => b ^ mask[i % 4]!));
      buffered = buffered.subarray(6 + len);
      if (opcode === 0x9) frame(0xa, payload);
      if (opcode === 0x8) socket.end();
    }
  });
  socket.on('error', () => undefined);
  onOpen((text) => frame(0x1, Buffer.from(text)));
}

export async function startSaas(hosts: Record<string, Handler>, websockets: Record<string, (send: (text: string) => void) => void> = {}) {
  const requests: SaasRequest[] = [];
  const upgrades: string[] = [];
  const server = createHttpsServer(
    { cert: readFileSync(new URL('server.pem', TLS_DIR)), key: readFileSync(new URL('server-key.pem', TLS_DIR)) },
    (req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d));
      req.on('end', () => {
        const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
        requests.push({ host, method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
        const handler = hosts[host];
        if (handler) handler(req, res, body);
        else json(res, 404, { error: `no fake for ${host}` });
      });
    },
  );
  server.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
    const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
    upgrades.push(`${host}${req.url ?? ''}`);
    const open = websockets[host];
    if (!open) return void socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
    acceptWebSocket(req, socket, open);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: port(server),
    requests,
    upgrades,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A forward proxy that logs every CONNECT target and tunnels it to `to(target)` (a local port), or refuses it
 * with 403 (undefined). Plain proxied requests (no CONNECT) are refused and logged too.
 */
export async function startConnectProxy(to: (target: string) => number | undefined) {
  const connects: string[] = [];
  const sockets = new Set<Socket>();
  const server = createHttpServer((req, res) => {
    connects.push(`GET ${req.url}`);
    res.writeHead(405).end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket) => {
    const target = req.url ?? '';
    connects.push(target);
    sockets.add(client);
    client.on('error', () => undefined);
    const local = to(target);
    if (local === undefined) return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    const upstream = connect(local, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${port(server)}`,
    connects,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
