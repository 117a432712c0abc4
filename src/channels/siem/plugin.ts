import { defineChannel } from '../plugin.js';
import { createWebhookChannels } from './index.js';
import { siemSettings, type SiemSettings } from './settings.js';

/** SIEM forwarding: every alert revision as a signed vigil.alert/v1 webhook, one channel per URL. */
export const siemChannel = defineChannel<SiemSettings>({
  name: 'siem',
  settings: siemSettings,
  enabled: (s) => s.VIGIL_SIEM_WEBHOOK_URLS.length > 0 && Boolean(s.VIGIL_SIEM_WEBHOOK_SECRET),
  secrets: (s) => [s.VIGIL_SIEM_WEBHOOK_SECRET, s.VIGIL_SIEM_WEBHOOK_AUTHORIZATION],
  async create(s, ctx) {
    const channels = createWebhookChannels({
      urls: s.VIGIL_SIEM_WEBHOOK_URLS,
      secret: s.VIGIL_SIEM_WEBHOOK_SECRET!,
      authorization: s.VIGIL_SIEM_WEBHOOK_AUTHORIZATION,
      timeoutMs: ctx.httpTimeoutMs,
    });
    return { channels, names: channels.map((c) => c.name) };
  },
});
