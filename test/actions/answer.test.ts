import { describe, expect, it } from 'vitest';
import { createActionsService } from '../../src/actions/execute.js';
import { entraSchema } from '../../src/actions/settings.js';
import { VigilError } from '../../src/domain/errors.js';
import { captureLogger, makeAlert, storeWith } from './helpers.js';

const ADELE_SLACK = { platform: 'slack' as const, id: 'U0ADELE', name: 'Adele Vance' };
const AT = Date.UTC(2026, 10, 21, 9, 30);

async function setup(alert = makeAlert()) {
  const store = await storeWith(alert);
  const service = createActionsService({ env: entraSchema.parse({}), store, log: captureLogger().log, dryRun: false });
  return { store, service };
}

describe('recordUserAnswer', () => {
  it('"no" raises severity to high, marks userDenied, queues the card and audits it', async () => {
    const { store, service } = await setup();
    await service.recordUserAnswer({ alertId: 'alert-1', answer: 'no', by: ADELE_SLACK, at: AT });
    const alert = await store.getAlert('alert-1');
    expect(alert).toMatchObject({ severity: 'high', revision: 2, facts: { userDenied: true, userAnswer: { answer: 'no', by: ADELE_SLACK, at: AT } } });
    expect(await store.pendingOutbox()).toEqual(['alert-1']);
    expect(await store.listAudit('alert-1')).toEqual([
      {
        at: AT,
        alertId: 'alert-1',
        what: 'user-answer',
        by: 'Adele Vance (slack:U0ADELE)',
        outcome: 'no',
        detail: { severityBefore: 'medium', severityAfter: 'high', statusBefore: 'open', statusAfter: 'open' },
      },
    ]);
  });

  it('"no" keeps a critical alert critical and reopens a dismissed one, with live buttons again', async () => {
    const { store, service } = await setup(makeAlert({ severity: 'critical' }));
    const dismissed = await service.execute({ alertId: 'alert-1', kind: 'dismiss', by: { platform: 'slack', id: 'U0ALICE' }, requestedAt: AT - 1000 });
    expect(dismissed.status).toBe('done');
    await service.recordUserAnswer({ alertId: 'alert-1', answer: 'no', by: ADELE_SLACK, at: AT });
    expect(await store.getAlert('alert-1')).toMatchObject({ severity: 'critical', status: 'open' });
    expect(await store.getActionOutcome('alert-1', 'dismiss')).toBeUndefined();
    expect((await store.listAudit('alert-1')).map((r) => `${r.what}:${r.outcome}`)).toEqual(['dismiss:requested', 'dismiss:done', 'user-answer:no']);
  });

  it('"yes" records the answer and changes neither severity nor status', async () => {
    const { store, service } = await setup();
    await service.recordUserAnswer({ alertId: 'alert-1', answer: 'yes', by: ADELE_SLACK, at: AT });
    const alert = await store.getAlert('alert-1');
    expect(alert).toMatchObject({ severity: 'medium', status: 'open', facts: { userAnswer: { answer: 'yes' } } });
    expect(alert?.facts.userDenied).toBeUndefined();
  });

  it('rejects an unknown alert and a malformed answer', async () => {
    const { service } = await setup();
    await expect(service.recordUserAnswer({ alertId: 'gone', answer: 'no', by: ADELE_SLACK, at: AT })).rejects.toThrow(VigilError);
    await expect(service.recordUserAnswer({ alertId: 'alert-1', answer: 'maybe' as never, by: ADELE_SLACK, at: AT })).rejects.toThrow(
      /Invalid user answer/,
    );
  });
});

describe('entra config', () => {
  it('accepts ids, UPNs and group: entries in ENTRA_PROTECTED_USERS and rejects anything else', () => {
    const ok = entraSchema.safeParse({
      ENTRA_PROTECTED_USERS: '87d349ed-44d7-43e1-9a83-5f2406dee5bd, breakglass@contoso.com, group:aaaaaaaa-0000-4000-8000-000000000001',
    });
    expect(ok.success).toBe(true);
    const bad = entraSchema.safeParse({ ENTRA_PROTECTED_USERS: 'Domain Admins' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['ENTRA_PROTECTED_USERS'] });
  });

  it('requires all three credentials once one is set', () => {
    const r = entraSchema.safeParse({ ENTRA_CLIENT_ID: 'abc' });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path[0]).sort()).toEqual(['ENTRA_CLIENT_SECRET', 'ENTRA_TENANT_ID']);
  });
});
