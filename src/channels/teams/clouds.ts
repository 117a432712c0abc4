/**
 * Bot Framework endpoints per Microsoft cloud (TEAMS_CLOUD), as Microsoft documents them for the cloud adapter:
 * "Configure Bot Framework bots for US Government customers" (GCC High, DoD) and "Configure a bot in Microsoft
 * Azure operated by 21Vianet" (China); the public and government values match botframework-connector's
 * AuthenticationConstants and GovernmentConstants. Vigil's bot is single-tenant, so it logs in at its own
 * tenant on the cloud's login host.
 */
export const TEAMS_CLOUDS = ['public', 'gcch', 'dod', 'china'] as const;
export type TeamsCloud = (typeof TEAMS_CLOUDS)[number];

export interface BotEndpoints {
  /** Where the JWT signing keys of inbound requests are published (ToBotFromChannelOpenIdMetadataUrl). */
  openIdMetadataUrl: string;
  /** The issuer inbound tokens must carry (ToBotFromChannelTokenIssuer). */
  tokenIssuer: string;
  /** The authority the bot gets its outbound token from, with its tenant (ToChannelFromBotLoginUrl). */
  loginUrl: string;
  /** The scope of that token (ToChannelFromBotOAuthScope). */
  oAuthScope: string;
  /** The Bot Framework token service (OAuthUrl; not used by Vigil, set for completeness). */
  oAuthUrl: string;
  emulatorOpenIdMetadataUrl: string;
  /** The government channel service marker (ChannelService); empty for the public and China clouds. */
  channelService: string;
  callerId: string;
}

type Preset = Omit<BotEndpoints, 'loginUrl'> & { loginHost: string };

const USGOV = {
  openIdMetadataUrl: 'https://login.botframework.azure.us/v1/.well-known/openidconfiguration',
  tokenIssuer: 'https://api.botframework.us',
  loginHost: 'https://login.microsoftonline.us',
  oAuthScope: 'https://api.botframework.us',
  emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0/.well-known/openid-configuration',
  channelService: 'https://botframework.azure.us',
  callerId: 'urn:botframework:azureusgov',
};

export const CLOUD_PRESETS: Readonly<Record<TeamsCloud, Preset>> = {
  public: {
    openIdMetadataUrl: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
    tokenIssuer: 'https://api.botframework.com',
    loginHost: 'https://login.microsoftonline.com',
    oAuthScope: 'https://api.botframework.com',
    oAuthUrl: 'https://api.botframework.com',
    emulatorOpenIdMetadataUrl: 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
    channelService: '',
    callerId: 'urn:botframework:azure',
  },
  gcch: { ...USGOV, oAuthUrl: 'https://tokengcch.botframework.azure.us' },
  dod: { ...USGOV, oAuthUrl: 'https://apiDoD.botframework.azure.us' },
  china: {
    openIdMetadataUrl: 'https://login.botframework.azure.cn/v1/.well-known/openidconfiguration',
    tokenIssuer: 'https://api.botframework.azure.cn',
    loginHost: 'https://login.partner.microsoftonline.cn',
    oAuthScope: 'https://api.botframework.azure.cn',
    oAuthUrl: 'https://token.botframework.azure.cn',
    emulatorOpenIdMetadataUrl: 'https://login.partner.microsoftonline.cn/a55a4d5b-9241-49b1-b4ff-befa8db00269/v2.0/.well-known/openid-configuration',
    channelService: '',
    callerId: 'urn:botframework:azure',
  },
};

/** The settings that choose the endpoints: the cloud shortcut, then each endpoint set on its own wins. */
export interface CloudSettings {
  MICROSOFT_APP_TENANT_ID?: string;
  TEAMS_CLOUD?: TeamsCloud;
  TEAMS_OPENID_METADATA_URL?: string;
  TEAMS_TOKEN_ISSUER?: string;
  TEAMS_LOGIN_URL?: string;
  TEAMS_OAUTH_SCOPE?: string;
  TEAMS_CHANNEL_SERVICE?: string;
}

export function teamsEndpoints(s: CloudSettings): BotEndpoints {
  const { loginHost, ...preset } = CLOUD_PRESETS[s.TEAMS_CLOUD ?? 'public'];
  return {
    ...preset,
    openIdMetadataUrl: s.TEAMS_OPENID_METADATA_URL ?? preset.openIdMetadataUrl,
    tokenIssuer: s.TEAMS_TOKEN_ISSUER ?? preset.tokenIssuer,
    loginUrl: (s.TEAMS_LOGIN_URL ?? `${loginHost}/${s.MICROSOFT_APP_TENANT_ID ?? 'common'}`).replace(/\/+$/, ''),
    oAuthScope: s.TEAMS_OAUTH_SCOPE ?? preset.oAuthScope,
    channelService: s.TEAMS_CHANNEL_SERVICE ?? preset.channelService,
  };
}
