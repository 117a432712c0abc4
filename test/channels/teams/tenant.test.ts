import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_ID, channelActivity } from '../../fakes/bot-framework.js';
import { startBot } from './harness.js';

/** Finding 6 of issue 14: an activity from another tenant, with an otherwise valid Bot Framework token. */
const FOREIGN = 'ffffffff-0000-1111-2222-333333333333';
const EXTRA = '12345678-aaaa-bbbb-cccc-1234567890ab';

describe('Teams tenant check', () => {
  let bot: Awaited<ReturnType<typeof startBot>>;
  beforeAll(async () => {
    bot = await startBot({ env: { TEAMS_ALLOWED_TENANTS: [EXTRA] } });
  });
  afterAll(async () => bot.close());

  const foreign = (conversationTenant: string | undefined, channelTenant: string | undefined, id: string) =>
    channelActivity({
      text: 'subscribe',
      conversation: { isGroup: true, conversationType: 'channel', id, ...(conversationTenant ? { tenantId: conversationTenant } : {}) },
      channelData: { teamsChannelId: id, channel: { id }, ...(channelTenant ? { tenant: { id: channelTenant } } : {}) },
    });

  it.each([
    ['both fields name another tenant', FOREIGN, FOREIGN],
    ['the conversation names another tenant', FOREIGN, TENANT_ID],
    ['channelData names another tenant', TENANT_ID, FOREIGN],
    ['no tenant at all', undefined, undefined],
  ])('refuses an activity where %s (403, conversation not stored)', async (_name, conv, chan) => {
    const id = `19:foreign-${String(conv)}-${String(chan)}@thread.tacv2`;
    const res = await bot.send(foreign(conv, chan, id));
    expect(res.status).toBe(403);
    expect(await bot.store.getTeamsConversation(id, z.unknown())).toBeUndefined();
  });

  it('serves the app tenant and a tenant on TEAMS_ALLOWED_TENANTS (ids compared case-insensitively)', async () => {
    expect((await bot.send(channelActivity({ text: 'status' }))).status).toBe(200);
    const id = '19:extra-tenant@thread.tacv2';
    const res = await bot.send(foreign(EXTRA.toUpperCase(), EXTRA, id));
    expect(res.status).toBe(200);
    expect(await bot.store.getTeamsConversation(id, z.unknown())).toBeDefined();
  });
});
