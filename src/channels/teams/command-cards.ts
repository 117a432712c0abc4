import type { CommandResult } from '../../chat-commands/index.js';
import { formatAge } from '../../chat-commands/status.js';
import type { Json } from './card.js';
import { SEVERITY_BADGE, STATUS_LABEL, plain, utc } from './card-text.js';

/**
 * Adaptive Cards (1.5) for the bot commands. The results come from the channel-agnostic command functions in
 * src/commands (shared with Slack); this file only draws them. Pure.
 */

export function card(title: string, body: Json[]): Json {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'TextBlock', style: 'heading', size: 'Medium', weight: 'Bolder', wrap: true, text: title }, ...body],
  };
}

export const text = (t: string, extra: Json = {}): Json => ({ type: 'TextBlock', wrap: true, text: t, ...extra });
export const facts = (rows: Array<[string, string]>): Json[] =>
  rows.length > 0 ? [{ type: 'FactSet', facts: rows.slice(0, 40).map(([title, value]) => ({ title: plain(title, 100), value: plain(value, 300) })) }] : [];

export function renderCommandCard(result: CommandResult): Json {
  switch (result.kind) {
    case 'help':
      return card('Vigil commands', [
        ...(result.problem ? [text(plain(result.problem, 300), { color: 'Attention' })] : []),
        ...facts(result.usage.map((u) => [u.syntax, u.what])),
        text('In a channel, @mention Vigil first. `subscribe` (in a channel) sends new alerts there; `home` (in a personal chat) shows the open alerts, yours first.', { isSubtle: true }),
      ]);
    case 'status': {
      const rows: Array<[string, string]> = [];
      rows.push([
        'Last sweep',
        result.lastSweep
          ? `${formatAge(result.lastSweep.agoMs)} ago: ${result.lastSweep.ok ? 'ok' : `failed (${result.lastSweep.error ?? 'unknown error'})`}, ${result.lastSweep.events} events, ${result.lastSweep.alerts} alerts`
          : 'no sweep has run yet',
      ]);
      if (result.learning) rows.push(['Learning', result.learning]);
      if (result.cursorAgeMs !== undefined) rows.push(['Cursor age', formatAge(result.cursorAgeMs)]);
      rows.push(['Store', result.store]);
      for (const i of result.integrations) rows.push([i.name, `${i.ok ? '✅' : '⚠️'} ${i.detail ?? (i.ok ? 'ok' : 'not ok')}`]);
      if (result.version) rows.push(['Version', result.version]);
      const mode = [result.demo ? 'Demo mode: running on the bundled demo log.' : '', result.dryRun ? 'Dry run: actions change nothing.' : ''].filter(Boolean);
      return card('Vigil status', [...facts(rows), ...mode.map((m) => text(m, { color: 'Warning' }))]);
    }
    case 'alerts': {
      const title = `${result.mine ? 'Your alerts' : result.openOnly ? 'Open alerts' : 'Alerts'} (${result.total})`;
      if (result.alerts.length === 0) return card(title, [text(result.mine ? 'Nothing acknowledged by or assigned to you is unresolved. 🎉' : result.openOnly ? 'No open alerts. 🎉' : 'No alerts yet.')]);
      const owner = (o: string | undefined) => (o && !result.mine ? ` · 👤 ${plain(o, 120)}` : '');
      const rows = result.alerts.map((a) =>
        text(`${SEVERITY_BADGE[a.severity]} **${plain(a.title, 150)}** · ${plain(a.who, 80)} · ${STATUS_LABEL[a.status]}${owner(a.ownedBy)} · ${utc(a.lastSeen)}`, {
          spacing: 'Small',
        }),
      );
      const more = result.total > result.alerts.length ? [text(`…and ${result.total - result.alerts.length} more.`, { isSubtle: true })] : [];
      return card(title, [...rows, ...more]);
    }
    case 'activity': {
      const who = plain(result.email ?? result.who, 120);
      if (!result.found) return card(`Activity: ${who}`, [text(`Vigil has recorded no activity for ${who}. Check the address, or wait for the next sweep.`)]);
      const body: Json[] = [
        text(`Last ${result.days} days (since ${utc(result.since)}): ${result.total} events, ${result.signIns.total} sign-ins.`, { isSubtle: true }),
      ];
      if (result.signIns.byCountry.length > 0) {
        body.push(text('**Sign-ins by country**'));
        body.push(...facts(result.signIns.byCountry.map((c) => [c.key, `${c.count} (last ${utc(c.last)})`])));
      }
      if (result.signIns.byIp.length > 0) {
        body.push(text('**Sign-ins by IP**'));
        body.push(...facts(result.signIns.byIp.map((c) => [c.key, `${c.count} (last ${utc(c.last)})`])));
      }
      if (result.admin.length > 0) {
        body.push(text('**Admin actions**'));
        body.push(...facts(result.admin.map((i) => [utc(i.t), `${i.actionName ?? i.action}${i.target ? ` → ${i.target}` : ''}`])));
      }
      if (result.impersonations.length > 0) {
        body.push(text('**Impersonations**'));
        body.push(...facts(result.impersonations.map((i) => [utc(i.t), `${i.actionName ?? i.action}${i.target ? ` → ${i.target}` : ''}`])));
      }
      body.push(text(result.openAlerts.length > 0 ? '**Open alerts**' : 'No open alerts for this user.'));
      for (const a of result.openAlerts) body.push(text(`${SEVERITY_BADGE[a.severity]} ${plain(a.title, 150)} · ${utc(a.lastSeen)}`, { spacing: 'Small' }));
      const name = result.name ? `${plain(result.name, 80)} (${who})` : who;
      return card(`Activity: ${name}`, body);
    }
  }
}

/** A one-card reply with a single message (subscribe confirmations, refusals). */
export function renderNoticeCard(title: string, lines: string[]): Json {
  return card(plain(title, 150), lines.map((l) => text(l)));
}
