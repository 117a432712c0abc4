import http from 'node:http';
import https from 'node:https';
import { Agent as AgentBase, type AgentConnectOpts } from 'agent-base';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Agent, Dispatcher, ProxyAgent, setGlobalDispatcher } from 'undici';
import { bypassesProxy, parseNoProxy, type NoProxyRules } from './no-proxy.js';

/**
 * The one outbound transport. Every call Vigil or an SDK makes leaves through one rule: the forward proxy
 * (HTTPS_PROXY / https_proxy, tunnelled with CONNECT) unless the host is in NO_PROXY. Two faces of it:
 * an undici Dispatcher (global fetch: Vigil's own client, Slack's WebClient; Slack Socket Mode's WebSocket
 * takes it explicitly) and Node http(s) Agents (node-fetch in botframework-connector, msal-node, the Bot
 * Connector client), installed as Node's global agents so clients that pass no agent use it too.
 */
export interface TransportOptions {
  proxy?: string;
  noProxy?: string;
  timeoutMs?: number;
}

export interface Transport {
  /** undici: for fetch and WebSockets. */
  readonly dispatcher: Dispatcher;
  /** Node http(s): for clients built on http.request. */
  readonly agents: { http: http.Agent; https: http.Agent };
  /** The proxy a call to this URL goes through, or undefined when it goes direct. */
  proxyFor(url: string | URL): string | undefined;
}

/** Sends each request to the direct agent or the proxy agent, by the request's origin. */
class RoutingDispatcher extends Dispatcher {
  constructor(
    private readonly direct: Dispatcher,
    private readonly proxied: Dispatcher,
    private readonly goesDirect: (origin: string) => boolean,
  ) {
    super();
  }
  override dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return (this.goesDirect(String(opts.origin)) ? this.direct : this.proxied).dispatch(opts, handler);
  }
  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = Promise.all([this.direct.close(), this.proxied.close()]).then(() => undefined);
    if (!callback) return done;
    void done.then(callback, callback);
  }
  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(a?: Error | null | (() => void), b?: () => void): Promise<void> | void {
    const err = typeof a === 'function' ? null : (a ?? null);
    const callback = typeof a === 'function' ? a : b;
    const done = Promise.all([this.direct.destroy(err), this.proxied.destroy(err)]).then(() => undefined);
    if (!callback) return done;
    void done.then(callback, callback);
  }
}

/** A Node agent that hands each request to the direct agent or the CONNECT proxy agent. */
class RoutingAgent extends AgentBase {
  constructor(
    private readonly direct: http.Agent,
    private readonly proxied: http.Agent,
    private readonly goesDirect: (origin: string) => boolean,
    protocol: 'http:' | 'https:',
  ) {
    super({ keepAlive: true });
    this.protocol = protocol;
  }
  connect(_req: http.ClientRequest, opts: AgentConnectOpts): http.Agent {
    const host = (opts.host ?? 'localhost').includes(':') ? `[${opts.host}]` : opts.host;
    return this.goesDirect(`${opts.secureEndpoint ? 'https' : 'http'}://${host}:${opts.port}`) ? this.direct : this.proxied;
  }
}

export function createTransport(opts: TransportOptions = {}): Transport {
  const timeout = opts.timeoutMs ?? 30_000;
  const common = { connect: { timeout: 10_000 }, headersTimeout: timeout, bodyTimeout: timeout };
  const direct = new Agent({ ...common, keepAliveTimeout: 30_000 });
  const directAgents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  if (!opts.proxy) return { dispatcher: direct, agents: directAgents, proxyFor: () => undefined };
  const proxy = opts.proxy;
  const rules: NoProxyRules = parseNoProxy(opts.noProxy ?? '');
  const goesDirect = (origin: string) => bypassesProxy(origin, rules);
  const viaProxy = new HttpsProxyAgent(proxy, { keepAlive: true });
  return {
    dispatcher: new RoutingDispatcher(direct, new ProxyAgent({ uri: proxy, ...common }), goesDirect),
    agents: {
      http: new RoutingAgent(directAgents.http, viaProxy, goesDirect, 'http:'),
      https: new RoutingAgent(directAgents.https, viaProxy, goesDirect, 'https:'),
    },
    proxyFor: (url) => (bypassesProxy(url, rules) ? undefined : proxy),
  };
}

let current: Transport = createTransport();
let proxied = false;

/**
 * Make `t` the process's transport: global fetch and Node's global agents use it (only when a proxy is
 * configured: without one, every client keeps its own defaults).
 */
export function installTransport(t: Transport, withProxy: boolean): void {
  current = t;
  proxied = withProxy;
  if (!withProxy) return;
  setGlobalDispatcher(t.dispatcher);
  http.globalAgent = t.agents.http;
  https.globalAgent = t.agents.https as https.Agent;
}

/** The configured transport (direct until configureHttp ran). */
export const transport = (): Transport => current;
/** The transport when a proxy is configured, for SDKs that take a dispatcher or agent explicitly. */
export const proxiedTransport = (): Transport | undefined => (proxied ? current : undefined);
