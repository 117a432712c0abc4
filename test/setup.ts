// nock discipline for every test file: no real network; loopback (our own servers, Redis) allowed.
// Imported before any app module, so Slack's WebClient and our fetch calls are intercepted.
import nock from 'nock';
import { afterEach } from 'vitest';

nock.disableNetConnect();
// Child processes started by tests (vigil serve, sweep) inherit this: they never try to fetch the public Tor list.
process.env.VIGIL_TOR_EXIT_LIST_URL ??= 'off';
nock.enableNetConnect((host) => /^(127\.0\.0\.1|localhost|\[::1\]|::1)(:\d+)?$/.test(host));

afterEach(() => {
  // A test that leaves an unconsumed mock has asserted less than it claims; clean up for the next test.
  nock.abortPendingRequests();
  nock.cleanAll();
});
