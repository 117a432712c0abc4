import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { USAGE, parseCommand, parseExportArgs, runCommand, type StatusInfo } from '../../chat-commands/index.js';
import type { Logger } from '../../log.js';
import type { Store } from '../../store/store.js';
import { runSlackExport } from './export.js';
import { renderCommandResult } from './render-commands.js';
import { SlashCommandBody, mentionedUser } from './payloads.js';
import type { ResponderCheck } from './responders.js';
import type { EmailLookup } from './emails.js';
import type { SlackSender } from './sender.js';

export interface CommandDeps {
  store: Store;
  status: () => Promise<StatusInfo>;
  responders: ResponderCheck;
  client: WebClient;
  sender: SlackSender;
  log: Logger;
  now?: () => number;
  /** users.info `profile.email`, cached (emails.ts): turns an @mention into an email for `activity`. */
  emailOf: EmailLookup;
}

export const SLASH_COMMAND = '/vigil';

const NOT_A_RESPONDER = '🚫 Only Vigil responders can use this command (SLACK_RESPONDERS). `/vigil help` works for everyone.';

/**
 * `/vigil activity <email|@user> [7d] | alerts [open|all] | status | export [90d] [csv|json] | help`. Ack at
 * once, then answer ephemerally through response_url. Only responders see alert and activity data or get an
 * export; anyone gets help. `export` is Slack-only (a file upload), parsed apart from the shared grammar.
 */
export function registerSlashCommand(app: App, deps: CommandDeps): void {
  app.command(SLASH_COMMAND, async ({ ack, body, respond }) => {
    await ack();
    const reply = async (msg: { text: string; blocks?: unknown[] }) => {
      try {
        await respond({ response_type: 'ephemeral', replace_original: false, text: msg.text, blocks: msg.blocks as never });
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, 'Slack command response failed');
      }
    };
    const parsed = SlashCommandBody.safeParse(body);
    if (!parsed.success) return reply({ text: 'Vigil could not read this command.' });
    const exp = parseExportArgs(parsed.data.text);
    if (exp) {
      if (!exp.ok) return reply(renderCommandResult({ kind: 'help', problem: exp.problem, usage: USAGE }, SLASH_COMMAND));
      if (!(await deps.responders.isResponder(parsed.data.user_id))) {
        deps.log.warn({ user: parsed.data.user_id, command: 'export' }, '/vigil by a user who is not a responder: refused');
        return reply({ text: NOT_A_RESPONDER });
      }
      return runSlackExport(deps, parsed.data.user_id, exp.args, reply);
    }
    let cmd = parseCommand(parsed.data.text);
    if (cmd.kind !== 'help' && !(await deps.responders.isResponder(parsed.data.user_id))) {
      deps.log.warn({ user: parsed.data.user_id, command: cmd.kind }, '/vigil by a user who is not a responder: refused');
      return reply({ text: NOT_A_RESPONDER });
    }
    if (cmd.kind === 'activity') {
      const userId = mentionedUser(cmd.who);
      if (userId) {
        const email = await deps.emailOf(userId);
        if (!email) return reply({ text: `Could not find an email address for <@${userId}> (the app needs the users:read.email scope). Try \`/vigil activity name@company.com\`.` });
        cmd = { ...cmd, who: email };
      } else if (cmd.who.startsWith('@')) {
        return reply({ text: `Pick the user from Slack's @ list so the command gets their id, or give an email: \`/vigil activity name@company.com\`.` });
      }
    }
    try {
      const result = await runCommand(cmd, { store: deps.store, status: deps.status, now: deps.now, caller: { platform: 'slack', id: parsed.data.user_id } });
      await reply(renderCommandResult(result, SLASH_COMMAND));
    } catch (err) {
      deps.log.error({ err: (err as Error).message, command: cmd.kind }, '/vigil failed');
      await reply({ text: `Vigil could not answer \`${cmd.kind}\` right now: ${(err as Error).message.slice(0, 200)}` });
    }
  });
}
