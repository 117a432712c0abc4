import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

type ConnectorFactory = ReturnType<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>;
import { transport } from '../../http/transport.js';

/** The parts of the Bot Connector client (botbuilder-stdlib's compat ServiceClient over @azure/core-rest-pipeline) used here. */
interface PipelineRequestLike {
  url: string;
  agent?: unknown;
}
interface ConnectorClientLike {
  client?: {
    pipeline?: {
      addPolicy(
        policy: { name: string; sendRequest(req: PipelineRequestLike, next: (req: PipelineRequestLike) => Promise<unknown>): Promise<unknown> },
        options?: { beforePolicies?: string[] },
      ): void;
    };
  };
}

/**
 * The Bot Connector client (replies, card updates, proactive messages) runs on @azure/core-rest-pipeline,
 * which neither uses Node's global agent nor Vigil's NO_PROXY rule: it reads HTTPS_PROXY itself (uppercase
 * first). Every connector client botbuilder creates gets a first pipeline policy that hands its requests
 * to Vigil's transport agent, so the proxy and NO_PROXY decide for it as for every other call.
 * (OpenID metadata via node-fetch and the token via msal-node use Node's global agent, which is Vigil's.)
 */
export function routeConnectorClients(auth: ConfigurationBotFrameworkAuthentication): void {
  // Always, also without a proxy (the pipeline would read HTTP_PROXY / ALL_PROXY on its own); the transport
  // is looked up per request, so it is the one configured at start-up.
  const policy = {
    name: 'vigilOutboundTransport',
    sendRequest: (req: PipelineRequestLike, next: (req: PipelineRequestLike) => Promise<unknown>) => {
      req.agent ??= new URL(req.url).protocol === 'http:' ? transport().agents.http : transport().agents.https;
      return next(req);
    },
  };
  const routed = (factory: ConnectorFactory): ConnectorFactory => {
    const create = factory.create.bind(factory);
    factory.create = async (serviceUrl, audience) => {
      const client = await create(serviceUrl, audience);
      const pipeline = (client as unknown as ConnectorClientLike).client?.pipeline;
      if (!pipeline) throw new Error('botbuilder changed its connector client: Vigil cannot route it through the outbound proxy');
      pipeline.addPolicy(policy, { beforePolicies: ['proxyPolicy'] });
      return client;
    };
    return factory;
  };
  // Connector factories come from two places: created directly (proactive messages) and with an authenticated request.
  const createFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (claims) => routed(createFactory(claims));
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, header) => {
    const result = await authenticate(activity, header);
    if (result.connectorFactory) result.connectorFactory = routed(result.connectorFactory);
    return result;
  };
}
