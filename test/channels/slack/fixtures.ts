import { createHmac } from 'node:crypto';
import type { Server } from 'node:http';
import { pino } from 'pino';
import type { ActionsService } from '../../../src/actions/types.js';
import type { OwnershipRequest } from '../../../src/actions/ownership.js';
import type { AlertView } from '../../../src/domain/index.js';
import type { ActionKind, ActionOutcome, ActionRequest, Alert } from '../../../src/domain/index.js';
import { SLACK_T0, makeAlert, makeOutcome, makeView } from '../../fixtures/alert.js';

export const T0 = SLACK_T0;
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-1234-5678-testtokenvalue';
export const API = 'https://slack.com';

export const silentLog = pino({ level: 'silent' });

export const sampleAlert = (over: Partial<Alert> = {}): Alert => makeAlert(over, 'slack');
export const sampleView = (over: Partial<AlertView> = {}, alert: Partial<Alert> = {}): AlertView => makeView(over, alert, 'slack');
export const outcome = (kind: ActionKind, status: ActionOutcome['status'], over: Partial<ActionOutcome> = {}): ActionOutcome =>
  makeOutcome({ kind, status, message: status === 'done' ? 'done' : status, ...over }, 'slack');

/** A small ActionsService that records every call and answers with a scripted outcome. */
export function fakeActions(answer: (req: ActionRequest) => Promise<ActionOutcome> | ActionOutcome = (req) => outcome(req.kind, 'done', { by: req.by, at: req.requestedAt })) {
  const calls: ActionRequest[] = [];
  const answers: Array<{ alertId: string; answer: 'yes' | 'no'; by: ActionRequest['by']; at: number }> = [];
  const owns: OwnershipRequest[] = [];
  const service: ActionsService = {
    async execute(req) {
      calls.push(req);
      return answer(req);
    },
    async recordUserAnswer(input) {
      answers.push(input);
    },
    async own(req) {
      owns.push(req);
      return { status: 'done', message: req.kind === 'assign' ? 'Assigned.' : 'Acknowledged.' };
    },
  };
  return { service, calls, answers, owns };
}

/** Slack's request signing: v0=HMAC-SHA256(secret, "v0:<ts>:<body>"). */
export function sign(body: string, ts: number, secret = SIGNING_SECRET): Record<string, string> {
  const sig = 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-signature': sig, 'x-slack-request-timestamp': String(ts), 'content-type': 'application/x-www-form-urlencoded' };
}

export function baseUrl(server: Server): string {
  const addr = server.address();
  if (!addr || typeof addr !== 'object') throw new Error('server not listening');
  return `http://127.0.0.1:${addr.port}`;
}

export async function postSigned(url: string, body: string, opts: { ts?: number; secret?: string; headers?: Record<string, string> } = {}) {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  return fetch(url, { method: 'POST', headers: { ...sign(body, ts, opts.secret), ...opts.headers }, body });
}

export function interactivity(payload: unknown): string {
  return 'payload=' + encodeURIComponent(JSON.stringify(payload));
}

let clicks = 0;

/** Every click Slack sends is a new request (its own action_ts), so signed requests never repeat. */
export function blockAction(opts: { user: string; actionId: string; value?: string; selected?: string; selectedUser?: string; blockId?: string; channel?: string; ts?: string; threadTs?: string }) {
  const channel = opts.channel ?? 'C0ALERTS';
  const ts = opts.ts ?? '1700000000.000100';
  return {
    type: 'block_actions',
    user: { id: opts.user, username: opts.user.toLowerCase(), name: opts.user.toLowerCase(), team_id: 'T0TEAM' },
    api_app_id: 'A0APP',
    token: 'legacy',
    team: { id: 'T0TEAM', domain: 'example' },
    trigger_id: '1234.5678.abcdef',
    response_url: 'https://hooks.slack.com/actions/T0TEAM/1/xyz',
    channel: { id: channel, name: 'security-alerts' },
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    message: { type: 'message', ts, ...(opts.threadTs ? { thread_ts: opts.threadTs } : {}), text: 'card', blocks: [] },
    actions: [
      {
        type: opts.selected ? 'static_select' : opts.selectedUser ? 'users_select' : 'button',
        action_id: opts.actionId,
        block_id: opts.blockId ?? 'a:al_travel_1:1',
        ...(opts.selectedUser ? { selected_user: opts.selectedUser } : {}),
        action_ts: `1700000001.${String(200 + clicks++).padStart(6, '0')}`,
        ...(opts.value ? { value: opts.value } : {}),
        ...(opts.selected ? { selected_option: { text: { type: 'plain_text', text: 'x' }, value: opts.selected } } : {}),
      },
    ],
  };
}

let commands = 0;

/** A `/vigil` slash command body as Slack sends it (form-encoded, a new trigger_id each time), from `user`; Vigil answers at `responseUrl`. */
export function slashCommand(text: string, user = 'U0ALICE', responseUrl = 'https://hooks.slack.com/commands/T0TEAM/1/abc') {
  return new URLSearchParams({
    token: 'legacy',
    team_id: 'T0TEAM',
    team_domain: 'example',
    channel_id: 'C0ALERTS',
    channel_name: 'security-alerts',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/vigil',
    text,
    api_app_id: 'A0APP',
    response_url: responseUrl,
    trigger_id: `1.2.${++commands}`,
  }).toString();
}

/** The suspend modal's view_submission (reason typed in) for the modal Vigil opened with `privateMetadata`. */
export function suspendSubmission(privateMetadata: string, opts: { user?: string; team?: string; reason?: string } = {}) {
  const user = opts.user ?? 'U0ALICE';
  const team = opts.team ?? 'T0TEAM';
  return interactivity({
    type: 'view_submission',
    team: { id: team, domain: 'example' },
    user: { id: user, name: user.slice(2).toLowerCase(), team_id: team },
    api_app_id: 'A0APP',
    trigger_id: `9.9.${++commands}`,
    view: {
      id: 'V0MODAL',
      type: 'modal',
      callback_id: 'vigil_suspend_reason',
      private_metadata: privateMetadata,
      team_id: team,
      state: { values: { reason: { reason_input: { type: 'plain_text_input', value: opts.reason ?? 'compromised account' } } } },
    },
  });
}
