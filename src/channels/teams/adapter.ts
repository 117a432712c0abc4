import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { createRequire } from 'node:module';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, StatusCodes, type ActivityHandler } from 'botbuilder';

// The AuthenticationError class botbuilder itself checks with instanceof (resolved from botbuilder's own
// dependency tree, so it is the same copy even if npm nests it).
const requireFromBotbuilder = createRequire(createRequire(import.meta.url).resolve('botbuilder'));
const { AuthenticationError } = requireFromBotbuilder('botframework-connector') as {
  AuthenticationError: new (message: string, statusCode: number) => Error;
};
import type { TeamsEnv } from './settings.js';
import { teamsEndpoints, type BotEndpoints } from './clouds.js';
import { bodyGate, type InboundLimits, type RawBodyRequest } from '../../http/body-gate.js';
import type { Logger } from '../../log.js';
import { routeConnectorClients } from './transport.js';

/** CloudAdapter with single-tenant ConfigurationBotFrameworkAuthentication; throws if half-configured. */
export function createBotAdapter(env: TeamsEnv, log: Logger, endpoints?: Partial<BotEndpoints>): CloudAdapter & { preAuthenticate: PreAuthenticate } {
  const { MICROSOFT_APP_ID: appId, MICROSOFT_APP_PASSWORD: password, MICROSOFT_APP_TENANT_ID: tenantId } = env;
  if (!appId || !password || !tenantId)
    throw new Error('Teams needs MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID together (single-tenant bot)');
  // TEAMS_CLOUD and the single TEAMS_* endpoint settings; botbuilder uses all of them as given when any is set.
  const e = { ...teamsEndpoints(env), ...endpoints };
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
    ...(e.channelService ? { ChannelService: e.channelService } : {}),
    CallerId: e.callerId,
    ValidateAuthority: true,
  });
  hardenAuthErrors(auth);
  routeConnectorClients(auth);
  const adapter = Object.assign(new CloudAdapter(auth), {
    // The JWT alone (signature, issuer, audience = our app id, expiry, Teams endorsement), before the body is
    // read. The adapter checks it again with the activity's serviceUrl once the body is in.
    preAuthenticate: async (header: string) => {
      await auth.authenticateStreamingRequest(header, 'msteams');
    },
  });
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

/** Validate the Authorization header alone; rejects when it is not a valid Bot Framework token for this bot. */
export type PreAuthenticate = (authorizationHeader: string) => Promise<void>;

/** The minimum every Bot Framework activity has; anything else is refused with 400 before the adapter sees it. */
const ActivityEnvelope = z.looseObject({
  type: z.string().min(1).max(100),
  conversation: z.looseObject({ tenantId: z.string().optional() }).optional(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string().optional() }).optional() }).optional(),
});

/** Both places an activity names its tenant; every one given must be served (and at least one given). */
export function activityTenantAllowed(activity: z.infer<typeof ActivityEnvelope>, tenants: ReadonlySet<string>): boolean {
  const named = [activity.conversation?.tenantId, activity.channelData?.tenant?.id].filter((t): t is string => typeof t === 'string');
  return named.length > 0 && named.every((t) => tenants.has(t.toLowerCase()));
}

export interface BotRouteOptions {
  path?: string;
  limits: InboundLimits;
  /** Tenant ids served (MICROSOFT_APP_TENANT_ID plus TEAMS_ALLOWED_TENANTS), lower case. */
  tenants: ReadonlySet<string>;
}

/**
 * POST /api/messages. The Bot Framework JWT is validated on the headers before the body is read (missing or
 * invalid: 401, body never read); the body is then read under the route's limits and parsed. Malformed
 * bodies get a clear 400, an activity from a tenant that is not served 403 (nothing stored, nothing answered),
 * and internal errors a bare 500 (never a stack trace).
 */
export function registerBotRoute(
  app: Express,
  adapter: CloudAdapter & { preAuthenticate: PreAuthenticate },
  bot: ActivityHandler,
  log: Logger,
  opts: BotRouteOptions,
): void {
  const path = opts.path ?? '/api/messages';
  const gate = bodyGate({
    route: path,
    ...opts.limits,
    authenticate: async (req) => {
      const header = req.get('authorization') ?? '';
      if (!/^Bearer\s+\S+$/i.test(header)) return { ok: false, status: 401, error: 'a Bot Framework bearer token is required' };
      try {
        await adapter.preAuthenticate(header);
        return { ok: true };
      } catch {
        return { ok: false, status: 401, error: 'invalid Bot Framework token' };
      }
    },
    onRefuse: (status, reason) => log.warn({ status, reason }, 'Teams request refused'),
  });
  app.post(path, gate, async (req: RawBodyRequest, res: Response) => {
    let body: unknown;
    try {
      body = JSON.parse((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
    } catch {
      res.status(400).json({ error: 'body is not valid JSON' });
      return;
    }
    const envelope = ActivityEnvelope.safeParse(body);
    if (!envelope.success) {
      res.status(400).json({ error: 'not a Bot Framework activity: a JSON object with a "type" is expected' });
      return;
    }
    if (!activityTenantAllowed(envelope.data, opts.tenants)) {
      log.warn({ tenant: String(envelope.data.conversation?.tenantId ?? envelope.data.channelData?.tenant?.id ?? '(none)').slice(0, 64) }, 'Teams activity from a tenant that is not served refused');
      res.status(403).json({ error: 'this bot does not serve that tenant' });
      return;
    }
    req.body = body;
    const answer = collectAnswer();
    try {
      await adapter.process(req as never, answer.facade as never, (ctx) => bot.run(ctx));
    } catch (err) {
      answer.fail(err);
    }
    answer.send(res, log);
  });
}

/**
 * What CloudAdapter.process answers, held back: on a failure botbuilder would put the internal error text
 * (e.g. a DNS failure's "getaddrinfo ENOTFOUND login.botframework.com") into the response body. That text
 * goes to the log (scrubbed) and the caller gets a plain error instead; successful answers pass unchanged.
 */
function collectAnswer() {
  const state: { status: number; body?: unknown; headers: Array<[string, string]> } = { status: 200, headers: [] };
  const facade = {
    status: (code: number) => ((state.status = code), facade),
    header: (name: string, value: string) => (state.headers.push([name, value]), facade),
    send: (body: unknown) => ((state.body = body), facade),
    end: () => facade,
  };
  return {
    facade,
    fail(err: unknown) {
      state.status = 500;
      state.body = (err as Error)?.message ?? String(err);
    },
    send(res: Response, log: Logger) {
      if (res.headersSent) return;
      // Invoke responses (4xx included) are the bot's own answers; 401 and 5xx carry botbuilder's error text.
      if (state.status < 500 && state.status !== 401) {
        for (const [name, value] of state.headers) res.header(name, value);
        res.status(state.status);
        if (state.body === undefined) res.end();
        else res.send(state.body);
        return;
      }
      log.error({ status: state.status, err: String(state.body ?? '').slice(0, 500) }, 'Teams request failed');
      res.status(state.status).json({ error: state.status === 401 ? 'invalid Bot Framework token' : 'internal error' });
    },
  };
}
