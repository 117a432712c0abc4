/**
 * The real cause of a failed outbound call, in words an operator can act on: a proxy that refused the tunnel,
 * a DNS failure, a refused or reset connection, a TLS problem, a timeout. fetch() wraps the cause in one or
 * two layers ("fetch failed" → "Request was cancelled." → the undici error), so the whole chain is read.
 */
interface ErrorLike {
  message?: string;
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  cause?: unknown;
}

function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e = err as ErrorLike | undefined;
  for (let i = 0; e && typeof e === 'object' && i < 6; i++, e = e.cause as ErrorLike | undefined) out.push(e);
  return out;
}

export function networkCause(err: unknown, host?: string): string {
  const errors = chain(err);
  const text = errors.map((e) => `${e.code ?? ''} ${e.message ?? ''}`).join(' | ');
  const to = host ? ` to ${host}` : '';
  const proxy = /Proxy response \((\d+)\) !== 200/.exec(text);
  if (proxy) return `the proxy (HTTPS_PROXY) refused the tunnel${to} (HTTP ${proxy[1]})`;
  const coded = (code: RegExp) => errors.find((e) => code.test(e.code ?? ''));
  const dns = coded(/^(ENOTFOUND|EAI_AGAIN)$/);
  if (dns) return `DNS lookup failed for ${dns.hostname ?? host ?? 'the host'} (${dns.code})`;
  const refused = coded(/^ECONNREFUSED$/);
  if (refused) return `connection refused by ${refused.address ?? ''}${refused.port ? `:${refused.port}` : ''}${refused.address ? '' : (host ?? '')}`.trim();
  if (coded(/^ECONNRESET$/)) return `connection reset${to}`;
  if (coded(/^(UND_ERR_CONNECT_TIMEOUT|ETIMEDOUT)$/)) return `connection timed out${to}`;
  const tls = errors.find((e) => /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(e.code ?? ''));
  if (tls) return `TLS${to}: ${tls.message ?? tls.code} (a TLS-inspecting proxy's CA goes in NODE_EXTRA_CA_CERTS)`;
  if (/bad port/.test(text)) return `the URL's port is not allowed for fetch${to} (bad port)`;
  const deepest = errors[errors.length - 1];
  return deepest?.message ?? String(err);
}
