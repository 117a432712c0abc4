import { describe, expect, it } from 'vitest';
import { bypassesProxy, parseNoProxy, resolveProxyEnv } from '../../src/http/no-proxy.js';
import { createTransport } from '../../src/http/transport.js';

const direct = (noProxy: string, url: string) => bypassesProxy(url, parseNoProxy(noProxy));

describe('HTTPS_PROXY / NO_PROXY settings', () => {
  it('lowercase https_proxy and no_proxy win over the uppercase names; blanks count as unset', () => {
    expect(resolveProxyEnv({ HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128' }).proxy).toBe('http://lower:3128');
    expect(resolveProxyEnv({ HTTPS_PROXY: 'http://upper:3128', https_proxy: ' ' }).proxy).toBe('http://upper:3128');
    expect(resolveProxyEnv({ https_proxy: 'http://lower:3128' }).proxy).toBe('http://lower:3128');
    expect(resolveProxyEnv({ NO_PROXY: 'a.example', no_proxy: 'b.example' }).noProxy).toBe('b.example');
    expect(resolveProxyEnv({ NO_PROXY: 'a.example' }).noProxy).toBe('a.example');
    expect(resolveProxyEnv({})).toEqual({ proxy: undefined, noProxy: '' });
  });

  it('a name matches itself and its subdomains, with or without a leading dot or *.', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.com']) {
      expect(direct(entry, 'https://example.com/x'), entry).toBe(true);
      expect(direct(entry, 'https://api.example.com/x'), entry).toBe(true);
      expect(direct(entry, 'https://a.b.example.com:8443/x'), entry).toBe(true);
      expect(direct(entry, 'https://notexample.com/x'), entry).toBe(false);
      expect(direct(entry, 'https://example.com.evil.net/x'), entry).toBe(false);
    }
  });

  it('comma or space separated lists; * alone sends everything direct', () => {
    expect(direct('internal.corp, .svc.cluster.local  graph.microsoft.com', 'https://graph.microsoft.com/v1.0/me')).toBe(true);
    expect(direct('internal.corp,.svc.cluster.local', 'https://redis.vigil.svc.cluster.local')).toBe(true);
    expect(direct('internal.corp,.svc.cluster.local', 'https://slack.com/api')).toBe(false);
    expect(direct('*', 'https://slack.com/api')).toBe(true);
    expect(direct('', 'https://slack.com/api')).toBe(false);
    expect(direct(' , ,', 'https://slack.com/api')).toBe(false);
  });

  it('host:port matches that port only (default ports from the scheme, wss included)', () => {
    expect(direct('jira.corp:8443', 'https://jira.corp:8443/rest')).toBe(true);
    expect(direct('jira.corp:8443', 'https://jira.corp/rest')).toBe(false);
    expect(direct('slack.com:443', 'wss://wss-primary.slack.com/link')).toBe(true);
    expect(direct('slack.com:443', 'http://slack.com/')).toBe(false);
  });

  it('IP addresses match exactly (v4, v6 with or without brackets and port), CIDR ranges by containment', () => {
    expect(direct('127.0.0.1', 'http://127.0.0.1:8080/x')).toBe(true);
    expect(direct('127.0.0.1', 'http://127.0.0.2:8080/x')).toBe(false);
    expect(direct('127.0.0.1:9000', 'http://127.0.0.1:8080/x')).toBe(false);
    expect(direct('::1', 'http://[::1]:8080/x')).toBe(true);
    expect(direct('[::1]:8080', 'http://[::1]:8080/x')).toBe(true);
    expect(direct('10.0.0.0/8', 'https://10.20.30.40/x')).toBe(true);
    expect(direct('10.0.0.0/8', 'https://11.0.0.1/x')).toBe(false);
    expect(direct('fd00::/8', 'https://[fd12::1]/x')).toBe(true);
    // Names are not resolved: an IP entry does not match a name.
    expect(direct('127.0.0.1', 'http://localhost:8080/x')).toBe(false);
    // Garbage entries are ignored rather than matching everything.
    expect(direct('300.1.1.1/99,a:b:c', 'https://slack.com/')).toBe(false);
  });

  it('the transport names the proxy for each URL by that rule', () => {
    const t = createTransport({ proxy: 'http://proxy.corp:3128', noProxy: '.corp,127.0.0.1' });
    expect(t.proxyFor('https://slack.com/api/auth.test')).toBe('http://proxy.corp:3128');
    expect(t.proxyFor('https://jira.corp/rest')).toBeUndefined();
    expect(t.proxyFor('http://127.0.0.1:3000/')).toBeUndefined();
    expect(createTransport({}).proxyFor('https://slack.com/')).toBeUndefined();
  });
});
