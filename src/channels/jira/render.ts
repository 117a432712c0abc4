import { alertLink, type ActionOutcome, type Alert, type AlertView } from '../../domain/index.js';
import { type AdfDoc, type AdfNode, bulletList, code, doc, heading, link, paragraph, safeHref, strong, text } from './adf.js';

export interface JiraIssueOptions {
  projectKey: string;
  issueType: string;
  labels: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const sanitizeLabel = (s: string) => s.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 255);

/** The label that finds the issue of an alert again (after a crash between create and record). */
export const alertLabel = (alertId: string) => sanitizeLabel(`vigil-alert-${alertId}`);

/** Marker text of the comment for one alert revision: a retried comment is recognised and not posted twice. */
export const commentMarker = (alert: Alert) => `vigil:${alert.id}:r${alert.revision}`;

function actorLine(a: Alert): string {
  const who = a.actor.name ?? a.actor.email ?? a.actor.id;
  const email = a.actor.email && a.actor.email !== who ? ` <${a.actor.email}>` : '';
  return `${who}${email} (account ${a.actor.id})`;
}

function outcomeItems(outcomes: ActionOutcome[]): AdfNode[][] {
  return [...outcomes]
    .sort((x, y) => x.at - y.at || x.kind.localeCompare(y.kind))
    .map((o) => [strong(`${o.kind}: ${o.status}`), text(` by ${o.by.name ?? o.by.id} (${o.by.platform}:${o.by.id}) at ${iso(o.at)} - ${o.message}`)]);
}

/** The runbook as a link, when it is one, and the alert's own link (e.g. to Guard Detect). */
function linkParagraph(view: AlertView): AdfNode | undefined {
  const href = safeHref(view.alert.runbook);
  const own = alertLink(view.alert);
  const links = [...(href ? [link('Runbook', href)] : []), ...(own ? [link(own.label, own.url)] : [])];
  return links.length ? paragraph(...links.flatMap((l, i) => (i ? [text(' · '), l] : [l]))) : undefined;
}

/** Pure: the issue description, with the evidence, details, response so far and links back. */
export function renderJiraDescription(view: AlertView): AdfDoc {
  const a = view.alert;
  const content: AdfNode[] = [paragraph(text(a.summary))];
  if (view.dryRun) content.push(paragraph(strong('Dry run: '), text('Vigil performs no response action for real.')));
  if (a.evidence.length > 0) {
    content.push(heading(3, 'Evidence'));
    content.push(bulletList(a.evidence.map((e) => [strong(`${e.label}: `), text(e.value)])));
  }
  content.push(heading(3, 'Details'));
  const details: AdfNode[][] = [
    [strong('Detection: '), code(a.detection)],
    [strong('Severity: '), text(a.severity)],
    [strong('Status: '), text(a.status)],
    [strong('Actor: '), text(actorLine(a))],
    [strong('First seen: '), text(iso(a.firstSeen))],
    [strong('Last seen: '), text(iso(a.lastSeen))],
    [strong('Events: '), text(String(a.count))],
  ];
  if (a.mitre.length > 0) details.push([strong('MITRE ATT&CK: '), text(a.mitre.join(', '))]);
  content.push(bulletList(details));
  if (view.outcomes.length > 0) {
    content.push(heading(3, 'Response'));
    content.push(bulletList(outcomeItems(view.outcomes)));
  }
  const links = linkParagraph(view);
  if (links) content.push(links);
  content.push(paragraph(text('Vigil alert '), code(a.id), text(`, revision ${a.revision}. Keep the label ${alertLabel(a.id)}: Vigil finds this issue by it.`)));
  return doc(content);
}

/** Pure: the `fields` of POST /rest/api/3/issue. */
export function renderJiraIssueFields(view: AlertView, opts: JiraIssueOptions) {
  const a = view.alert;
  const summary = `[Vigil][${a.severity.toUpperCase()}] ${a.title}`.replace(/[\r\n]+/g, ' ');
  const labels = [
    ...opts.labels.map(sanitizeLabel),
    sanitizeLabel(`vigil-${a.detection}`),
    sanitizeLabel(`vigil-severity-${a.severity}`),
    alertLabel(a.id),
  ];
  return {
    project: { key: opts.projectKey },
    issuetype: { name: opts.issueType },
    summary: summary.length > 255 ? `${summary.slice(0, 254)}…` : summary,
    description: renderJiraDescription(view),
    labels: [...new Set(labels)],
  };
}

/** Pure: the comment for a later revision (status change, action taken, the alert grew). */
export function renderJiraComment(view: AlertView): AdfDoc {
  const a = view.alert;
  const content: AdfNode[] = [
    paragraph(
      strong(`Vigil update: ${a.status}`),
      text(` - severity ${a.severity}, ${a.count} event${a.count === 1 ? '' : 's'}, last seen ${iso(a.lastSeen)}.`),
    ),
  ];
  if (view.dryRun) content.push(paragraph(strong('Dry run: '), text('Vigil performs no response action for real.')));
  if (view.outcomes.length > 0) content.push(paragraph(strong('Response')), bulletList(outcomeItems(view.outcomes)));
  if (a.evidence.length > 0) content.push(paragraph(strong('Evidence')), bulletList(a.evidence.map((e) => [strong(`${e.label}: `), text(e.value)])));
  const links = linkParagraph(view);
  if (links) content.push(links);
  content.push(paragraph(code(commentMarker(a))));
  return doc(content);
}
