import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { createRequire } from 'node:module';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, StatusCodes, type ActivityHandler } from 'botbuilder';

// The AuthenticationError class botbuilder itself checks with instanceof (resolved from botbuilder's own
// dependency tree, so it is the same copy even if npm nests it).
const requireFromBotbuilder = createRequire(createRequire(import.meta.url).resolve('botbuilder'));
const { AuthenticationError } = requireFromBotbuilder('botframework-connector') as {
  AuthenticationError: new (message: string, statusCode: number) => Error;
};
import type { TeamsEnv } from '../../config/teams.js';
import type { Logger } from '../../log.js';

/**
 * Bot Framework endpoints. Defaults are the public cloud; tests point the OpenID metadata (JWT signing keys) at
 * a loopback server. Setting any of them makes botbuilder use all of them as given, so all are always passed.
 */
export interface BotEndpoints {
  openIdMetadataUrl: string;
  tokenIssuer: string;
  loginUrl: string;
  oAuthScope: string;
  oAuthUrl: string;
  emulatorOpenIdMetadataUrl: string;
}

export function publicCloudEndpoints(tenantId: string): BotEndpoints {
  return {
    openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
    tokenIssuer: 'https://api.botframework.com',
    loginUrl: `https://login.microsoftonline.com/${tenantId}`,
    oAuthScope: 'https://api.botframework.com',
    oAuthUrl: 'https://api.botframework.com',
    emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  };
}

/** CloudAdapter with single-tenant ConfigurationBotFrameworkAuthentication; throws if half-configured. */
export function createBotAdapter(env: TeamsEnv, log: Logger, endpoints?: Partial<BotEndpoints>): CloudAdapter {
  const { MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: password, MICROSOFT_APP_TENANT_ID: tenantId } = env;
  if (!appId || !password || !tenantId)
    throw new Error('Teams needs MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID together (single-tenant bot)');
  const e = { ...publicCloudEndpoints(tenantId), ...endpoints };
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppId: appId,
    MicrosoftAppPassword: password,
    MicrosoftAppTenantId: tenantId,
    ToBotFromChannelOpenIdMetadataUrl: e.openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: e.tokenIssuer,
    ToChannelFromBotLoginUrl: e.loginUrl,
    ToChannelFromBotOAuthScope: e.oAuthScope,
    OAuthUrl: e.oAuthUrl,
    ToBotFromEmulatorOpenIdMetadataUrl: e.emulatorOpenIdMetadataUrl,
    CallerId: 'urn:botframework:azure', // what the public-cloud defaults set on authenticated activities
    ValidateAuthority: true,
  });
  hardenAuthErrors(auth);
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (ctx, err) => {
    // Never echo internals to the user; the log line is scrubbed of secrets by the logger.
    log.error({ err: (err as Error).message, activity: ctx.activity?.type, name: ctx.activity?.name }, 'Teams turn failed');
    if (ctx.activity?.type === 'message') await ctx.sendActivity('Vigil hit an error handling that message; it has been logged.').catch(() => undefined);
  };
  return adapter;
}

/**
 * botframework-connector lets jsonwebtoken's own errors escape (a token with a bad signature or not yet valid
 * becomes HTTP 500 instead of 401). Every failure to authenticate is an authentication error: map them.
 */
function hardenAuthErrors(auth: ConfigurationBotFrameworkAuthentication): void {
  const asAuthError = (err: unknown): unknown =>
    err instanceof AuthenticationError || !['JsonWebTokenError', 'NotBeforeError', 'TokenExpiredError'].includes((err as Error)?.name)
      ? err
      : new AuthenticationError(`Unauthorized: ${(err as Error).message}`, StatusCodes.UNAUTHORIZED);
  const request = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = (activity, header) => request(activity, header).catch((err: unknown) => Promise.reject(asAuthError(err)));
  const streaming = auth.authenticateStreamingRequest.bind(auth);
  auth.authenticateStreamingRequest = (header, channelId) => streaming(header, channelId).catch((err: unknown) => Promise.reject(asAuthError(err)));
  const channel = auth.authenticateChannelRequest.bind(auth);
  auth.authenticateChannelRequest = (header) => channel(header).catch((err: unknown) => Promise.reject(asAuthError(err)));
}

/** The minimum every Bot Framework activity has; anything else is refused with 400 before the adapter sees it. */
const ActivityEnvelope = z.looseObject({ type: z.string().min(1).max(100) });

/**
 * POST /api/messages with its own JSON body parser (the Vigil app has no global one). The SDK validates the
 * Bot Framework JWT on every request: a missing or invalid token is answered 401. Malformed bodies get a
 * clear 400 and internal errors a bare 500 (never a stack trace).
 */
export function registerBotRoute(app: Express, adapter: CloudAdapter, bot: ActivityHandler, log: Logger, path = '/api/messages'): void {
  const json = express.json({ limit: '1mb' });
  app.post(
    path,
    (req: Request, res: Response, next: NextFunction) =>
      json(req, res, (err?: unknown) => {
        if (!err) return next();
        const status = (err as { status?: number }).status === 413 ? 413 : 400;
        res.status(status).json({ error: status === 413 ? 'body too large (1 MB max)' : 'body is not valid JSON' });
      }),
    async (req: Request, res: Response) => {
      const envelope = ActivityEnvelope.safeParse(req.body);
      if (!envelope.success) {
        res.status(400).json({ error: 'not a Bot Framework activity: a JSON object with a "type" is expected' });
        return;
      }
      try {
        await adapter.process(req as never, res as never, (ctx) => bot.run(ctx));
      } catch (err) {
        log.error({ err: (err as Error).message }, 'Teams request failed');
        if (!res.headersSent) res.status(500).json({ error: 'internal error' });
      }
    },
  );
}
