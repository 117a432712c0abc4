import type { ConversationReference } from 'botbuilder';
import type { ReportTarget } from '../../report/model.js';
import { alertActivity } from './channel.js';
import type { ConversationStore } from './conversations.js';
import { renderReportCard, reportSummaryText } from './report-card.js';
import type { TeamsSender } from './sender.js';

/** The Teams alert channel as a report target: it carries every alert (Teams has no routing). */
export function teamsReportTarget(opts: { sender: Pick<TeamsSender, 'post'>; conversations: Pick<ConversationStore, 'alertTarget'>; alertChannel: string | undefined }): ReportTarget {
  return {
    key: 'teams',
    scope: opts.alertChannel ?? 'the Teams alert channel',
    carries: () => true,
    async post(report) {
      const target = await opts.conversations.alertTarget(opts.alertChannel);
      if (!target) throw new Error('Teams: no alert channel known yet (install Vigil in the team, or @mention it there once)');
      await opts.sender.post(target.reference as Partial<ConversationReference>, alertActivity(renderReportCard(report), reportSummaryText(report)));
    },
  };
}
