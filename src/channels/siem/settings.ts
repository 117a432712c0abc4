import { z } from 'zod';
import { list, need, optStr, ALWAYS } from '../../lib/settings.js';

/** SIEM forwarding: one signed webhook per URL. Enabled when VIGIL_SIEM_WEBHOOK_URLS is set. */
export const siemSettings = z
  .object({
    VIGIL_SIEM_WEBHOOK_URLS: list,
    VIGIL_SIEM_WEBHOOK_SECRET: optStr,
    /** Full Authorization header value sent with every SIEM delivery, e.g. `Bearer abc` or `Splunk <hec-token>`. */
    VIGIL_SIEM_WEBHOOK_AUTHORIZATION: optStr,
  })
  .superRefine((env, ctx) => {
    for (const u of env.VIGIL_SIEM_WEBHOOK_URLS)
      if (!/^https?:\/\/\S+$/.test(u)) need(ctx, 'VIGIL_SIEM_WEBHOOK_URLS', `"${u}" is not an http(s) URL`);
    if (env.VIGIL_SIEM_WEBHOOK_URLS.length > 0 && !env.VIGIL_SIEM_WEBHOOK_SECRET)
      need(ctx, 'VIGIL_SIEM_WEBHOOK_SECRET', 'required when VIGIL_SIEM_WEBHOOK_URLS is set: receivers verify the HMAC signature with it');
    if (env.VIGIL_SIEM_WEBHOOK_SECRET && env.VIGIL_SIEM_WEBHOOK_SECRET.length < 16)
      need(ctx, 'VIGIL_SIEM_WEBHOOK_SECRET', 'must be at least 16 characters (generate one with: openssl rand -hex 32)');
  }, ALWAYS);
export type SiemSettings = z.infer<typeof siemSettings>;
