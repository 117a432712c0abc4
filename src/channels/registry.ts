import { jiraChannel } from './jira/plugin.js';
import type { ChannelPlugin } from './plugin.js';
import { siemChannel } from './siem/plugin.js';
import { slackChannel } from './slack/plugin.js';
import { teamsChannel } from './teams/plugin.js';

/**
 * Every channel Vigil can deliver to, in delivery order. The key is the channel's configuration section
 * (`config.slack`, `config.jira`...). Adding a channel is one folder under channels/ and one line here.
 */
export const CHANNEL_PLUGINS = {
  slack: slackChannel,
  teams: teamsChannel,
  siem: siemChannel,
  jira: jiraChannel,
} as const;

export type ChannelPlugins = typeof CHANNEL_PLUGINS;
export type ChannelSettings = { [K in keyof ChannelPlugins]: ChannelPlugins[K] extends ChannelPlugin<infer S> ? S : never };

/** The plugins with their names, for iteration (settings typed loosely: each plugin reads its own). */
export const channelPlugins = (): Array<[keyof ChannelPlugins, ChannelPlugin<unknown>]> =>
  Object.entries(CHANNEL_PLUGINS) as Array<[keyof ChannelPlugins, ChannelPlugin<unknown>]>;
