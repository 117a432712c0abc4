import type { Server } from 'node:http';
import express, { type Express, type Router } from 'express';
import type { Logger } from '../log.js';

/**
 * One HTTP server for every inbound route: /webhooks/atlassian, /slack/events, /api/messages, /healthz,
 * /readyz, /metrics. Integrations register their routes on the express app before `listen`.
 * No global body parser: each route parses (and size-limits) its own body, because Slack and Bot Framework
 * verify signatures over the raw bytes.
 */
export function createHttpApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  return app;
}

export function listen(app: Express, host: string, port: number, log: Logger): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => {
      if (err) return reject(err);
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      log.info({ host, port: p }, `Vigil listening on http://${host}:${p}`);
      resolve(server);
    });
    server.on('error', reject);
    // Slow clients: request headers within 20 s, the whole request within 60 s (the public routes cut a
    // body off sooner, see src/http/body-gate.ts).
    server.headersTimeout = 20_000;
    server.requestTimeout = 60_000;
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections?.();
  });
}

export type { Express, Router };
