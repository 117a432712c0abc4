/**
 * A Guard Detect SIEM-webhook alert in the shape of shared/reference/atlassian.md §4.5 (the Microsoft Sentinel
 * "Integration for Atlassian Beacon" Parse_JSON schema with the Cyderes sample's values: alertId "12345", the title
 * "User API token created: Copilot CLI", detectionTime 1780050685848, the actor and session). The sample's link host
 * was a placeholder (detect.example.com); here it is an Atlassian host so that the link is rendered.
 */
export const GD_ACCOUNT = '123456:a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6';
export const GD_DETECTED = 1780050685848; // 2026-05-29T10:31:25.848Z

export function guardDetectPayload(over: Record<string, unknown> = {}): Record<string, any> {
  return {
    id: 'b7c1e0d2-5f7a-4d0e-9a43-2f1c3e4d5a6b',
    type: 'user-api-token-created',
    timestamp: GD_DETECTED + 1200,
    alertId: '12345',
    alertTitle: 'User API token created: Copilot CLI',
    alertDetailURL: 'https://detect.atlassian.com/w/00000000-0000/alerts/1a2b3c4d5',
    detectionTime: GD_DETECTED,
    activity: {
      action: 'api-token-created',
      subject: { ari: 'ari:cloud:identity::user/123456:a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6', ati: 'ati:cloud:identity:user', containerAri: 'ari:cloud:platform::org/4f1d6a2e-0000-4000-8000-00000000a11c' },
      time: { start: '2026-05-29T10:31:25.269207718Z', end: '2026-05-29T10:31:25.269207718Z' },
    },
    actor: {
      accountId: GD_ACCOUNT,
      name: 'ABCDEF',
      url: 'https://example.atlassian.net/wiki/people/123456:a1b2c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6',
      sessions: [
        { ipAddress: '192.0.2.10', userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15', loginTime: '2026-05-29T10:30:43.890Z', lastActiveTime: '2026-05-29T10:30:43.890Z' },
      ],
    },
    alert: {
      id: '12345',
      created: '2026-05-29T10:31:26.000Z',
      product: 'admin',
      site: 'https://example.atlassian.net',
      title: 'User API token created: Copilot CLI',
      url: 'https://detect.atlassian.com/w/00000000-0000/alerts/1a2b3c4d5',
    },
    workspace: { id: '00000000-0000-4000-8000-000000000000', orgId: '4f1d6a2e-0000-4000-8000-00000000a11c', cloudId: 'c0ffee00-0000-4000-8000-000000000000' },
    ...over,
  };
}
