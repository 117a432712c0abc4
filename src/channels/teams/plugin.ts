import { chatDeps, defineChannel } from '../plugin.js';
import { checkTeams } from './doctor.js';
import { teamsSchema, type TeamsEnv } from './settings.js';

/** Microsoft Teams: the bot on /api/messages, alert cards with Universal Actions, the Teams commands. */
export const teamsChannel = defineChannel<TeamsEnv>({
  name: 'teams',
  settings: teamsSchema,
  enabled: (s) => Boolean(s.MICROSOFT_APP_ID),
  secrets: (s) => [s.MICROSOFT_APP_PASSWORD],
  async create(s, ctx) {
    // Loaded only when configured: a deployment without Teams never loads botbuilder.
    const { createTeamsIntegration } = await import('./index.js');
    const teams = await createTeamsIntegration({ ...chatDeps(ctx), env: s, graph: ctx.graph });
    return { channels: [teams.channel], names: ['teams'], reportTargets: teams.reportTargets, stop: teams.stop };
  },
  doctor: (s) => checkTeams(s),
});
