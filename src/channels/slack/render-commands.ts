import type { KnownBlock } from '@slack/types';
import type { ActivityReport, AlertsReport, CommandResult, HelpReport, StatusReport } from '../../chat-commands/index.js';
import { EXPORT_USAGE, formatAge } from '../../chat-commands/index.js';
import { STATUS_LABEL } from '../../domain/index.js';
import { SEVERITY_EMOJI, type SlackMessage } from './blocks.js';
import { LIMITS, esc, fitLines, plain, slackDate } from './text.js';

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: fitLines(text.split('\n'), LIMITS.sectionText) } });

/** The shared usage plus the Slack-only `export` (a file upload), listed before `help`. */
function slackUsage(usage: HelpReport['usage']): Array<{ syntax: string; what: string }> {
  const at = usage.findIndex((u) => u.syntax === 'help');
  const all: Array<{ syntax: string; what: string }> = [...usage];
  all.splice(at < 0 ? all.length : at, 0, EXPORT_USAGE);
  return all;
}

function renderHelp(r: HelpReport, command: string): SlackMessage {
  const usage = slackUsage(r.usage);
  const lines = usage.map((u) => `• \`${command} ${esc(u.syntax, 200)}\`: ${esc(u.what, 500)}`);
  const intro = r.problem ? `${esc(r.problem, 500)}\n` : '';
  const text = `${intro}*Usage*\n${lines.join('\n')}`;
  return { text: `${r.problem ? `${r.problem} ` : ''}Usage: ${usage.map((u) => `${command} ${u.syntax}`).join(' | ')}`, blocks: [section(text)] };
}

function renderActivity(r: ActivityReport): SlackMessage {
  if (!r.found) {
    const text = `No recorded Atlassian activity for *${esc(r.who, 300)}*. Vigil keeps 30 days of activity for users it has seen in the audit log; check the email or use the Atlassian account id.`;
    return { text: `No recorded activity for ${r.who}`, blocks: [section(text)] };
  }
  const period = r.days >= 1 ? `${Math.round(r.days * 10) / 10} d` : `${Math.round(r.days * 24)} h`;
  const country = r.signIns.byCountry.map((c) => `${esc(c.key, 100)} ×${c.count}`).join(', ') || 'none';
  const ips = r.signIns.byIp.map((c) => `\`${esc(c.key, 60)}\` ×${c.count}`).join(', ') || 'none';
  const item = (i: { t: number; actionName?: string; action: string; target?: string; ip?: string }) =>
    `• ${slackDate(i.t)} ${esc(i.actionName ?? i.action, 200)}${i.target ? ` → ${esc(i.target, 200)}` : ''}${i.ip ? ` (\`${esc(i.ip, 60)}\`)` : ''}`;
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: plain(`Activity of ${r.email ?? r.name ?? r.who}, last ${period}`, LIMITS.header) } },
    section(`*${r.total}* events since ${slackDate(r.since)} · account \`${esc(r.accountId ?? '', 200)}\`\n*Sign-ins* (${r.signIns.total}) by country: ${country}\nby IP: ${ips}`),
    section(`*Admin actions* (${r.admin.length})\n${r.admin.map(item).join('\n') || 'none'}`),
    section(`*Impersonations* (${r.impersonations.length})\n${r.impersonations.map(item).join('\n') || 'none'}`),
    section(
      `*Open alerts* (${r.openAlerts.length})\n${r.openAlerts.map((a) => `• ${SEVERITY_EMOJI[a.severity]} ${esc(a.title, 300)} · ${slackDate(a.lastSeen)} · \`${esc(a.id, 80)}\``).join('\n') || 'none'}`,
    ),
  ];
  return { text: `Activity of ${r.email ?? r.who}: ${r.total} events, ${r.signIns.total} sign-ins, ${r.openAlerts.length} open alerts`, blocks };
}

function renderAlerts(r: AlertsReport): SlackMessage {
  const what = r.mine ? 'unresolved alerts of yours' : r.openOnly ? 'open alerts' : 'alerts';
  if (r.total === 0) return { text: `No ${what}.`, blocks: [section(`No ${what}. 🎉`)] };
  const owner = (a: AlertsReport['alerts'][number]) => (a.ownedBy && !r.mine ? ` · 👤 ${esc(a.ownedBy, 200)}` : '');
  const lines = r.alerts.map((a) => `• ${SEVERITY_EMOJI[a.severity]} *${esc(a.title, 300)}* · ${STATUS_LABEL[a.status]}${owner(a)} · ${slackDate(a.lastSeen)} · \`${esc(a.id, 80)}\``);
  const shown = r.alerts.length < r.total ? ` (newest ${r.alerts.length} shown)` : '';
  return { text: `${r.total} ${what}`, blocks: [section(`*${r.total} ${what}*${shown}\n${lines.join('\n')}`)] };
}

function renderStatus(r: StatusReport): SlackMessage {
  const sweep = r.lastSweep
    ? `${r.lastSweep.ok ? '✅' : '❌'} last sweep ${formatAge(r.lastSweep.agoMs)} ago: ${r.lastSweep.events} events, ${r.lastSweep.alerts} alerts${r.lastSweep.error ? `, error: ${esc(r.lastSweep.error, 500)}` : ''}`
    : '⏳ no sweep has run yet';
  const cursor = r.cursorAgeMs !== undefined ? `cursor committed ${formatAge(r.cursorAgeMs)} ago` : 'no cursor yet';
  const integrations = r.integrations.map((i) => `• ${i.ok ? '✅' : '⚠️'} ${esc(i.name, 100)}${i.detail ? `: ${esc(i.detail, 300)}` : ''}`).join('\n') || '• none configured';
  const flags = [r.demo ? '🎭 demo mode' : '', r.dryRun ? '🧪 dry run (actions change nothing)' : ''].filter(Boolean).join(' · ');
  const learning = r.learning ? `\n🎓 ${esc(r.learning, 500)}` : '';
  const text = `*Vigil status*${r.version ? ` (v${esc(r.version, 40)})` : ''}\n${sweep}${learning}\n${cursor} · store: ${esc(r.store, 40)}${flags ? `\n${flags}` : ''}\n*Integrations*\n${integrations}`;
  return { text: `Vigil status: ${r.lastSweep ? (r.lastSweep.ok ? 'last sweep ok' : 'last sweep failed') : 'no sweep yet'}`, blocks: [section(text)] };
}

/** Render any command result for Slack (always sent ephemerally). */
export function renderCommandResult(r: CommandResult, command = '/vigil'): SlackMessage {
  switch (r.kind) {
    case 'help':
      return renderHelp(r, command);
    case 'activity':
      return renderActivity(r);
    case 'alerts':
      return renderAlerts(r);
    case 'status':
      return renderStatus(r);
  }
}
