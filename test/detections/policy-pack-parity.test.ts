import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY_PACK } from '../../src/detections/policy-pack.js';
import { PARITY_POLICIES } from '../../src/detections/policy-pack-parity.js';
import { ev, AFTER, HOUR, MIN, P } from '../fixtures/event.js';
import { run } from './helpers.js';

const pack = DEFAULT_POLICY_PACK.map((p) => `policy:${p.name}`);
const SENSITIVITIES = ['low', 'medium', 'high'] as const;

/** Which pack policies one event raises, at each sensitivity (policies ignore it: the answer must be the same). */
function raised(action: string, actionName?: string): string[] {
  const answers = SENSITIVITIES.map((sensitivity) =>
    run([ev({ time: AFTER, action, ...(actionName ? { actionName } : {}), at: P.london, target: 'bob' })], { only: pack, sensitivity })
      .alerts.map((a) => a.detection)
      .sort(),
  );
  expect(answers[0]).toEqual(answers[1]);
  expect(answers[2]).toEqual(answers[1]);
  return answers[1]!;
}

/**
 * Per policy: action keys (as seen or assumed, docs/action-keys.md) and /event-actions display names that must raise
 * it, alone, and look-alikes that must not raise it (nor any other pack policy, unless named).
 */
const CASES: Record<string, { keys: string[]; names: string[]; not: Array<[string, string?]> }> = {
  'password-reset': {
    keys: ['user_password_reset', 'reset_password'],
    names: ['Reset password with recovery link', 'Password reset by admin'],
    not: [['password_recovery_link_requested', 'Requested password recovery link'], ['user_password_changed', 'Changed password'], ['user_login', 'Logged in to account']],
  },
  'public-link-or-external-share': {
    keys: ['public_link_created', 'confluence_anonymous_access_enabled', 'page_external_share_created'],
    names: ['Created public link', 'Enabled anonymous access for space', 'Shared page with external collaborator', 'Page shared externally'],
    not: [['page_updated', 'Updated page'], ['space_permission_viewed', 'Viewed space permissions'], ['link_created', 'Created link']],
  },
  'app-installed': {
    keys: ['app_installed', 'app_uninstalled', 'addon_installed', 'ecosystem_app_installation'],
    names: ['App successful installation', 'App successful uninstallation', 'Installed app'],
    not: [['app_enabled', 'App enable success'], ['app_updated', 'App update'], ['user_granted_role', 'Granted product role'], ['approval_granted', 'Approved request']],
  },
  'app-scope-changed': {
    keys: ['app_scopes_updated', 'oauth_scope_granted'],
    names: ['App scopes changed', 'Updated scopes of app', 'Granted OAuth scope'],
    not: [['app_updated', 'App update'], ['permission_scheme_updated', 'Updated permission scheme']],
  },
  'audit-log-webhook-changed': {
    keys: ['audit_log_webhook_created', 'audit_log_webhook_deleted', 'org_auditlog_webhook_updated'],
    names: ['Deleted audit log webhook', 'Added webhook for audit log'],
    not: [['repository_webhook_created', 'Created repository webhook'], ['audit_log_exported', 'Exported audit log']],
  },
  'data-security-policy-changed': {
    keys: ['data_security_policy_updated', 'data_security_policy_deleted', 'data_policy_created'],
    names: ['Updated data security policy', 'Deleted data security policy'],
    not: [['authentication_policy_updated', 'Updated authentication policy'], ['page_updated', 'Updated page']],
  },
};

describe('Guard Detect parity policies (default pack)', () => {
  for (const [policy, c] of Object.entries(CASES)) {
    it(`${policy}: its keys and display names raise it alone at every sensitivity; look-alikes do not`, () => {
      for (const key of c.keys) expect(raised(key), key).toEqual([`policy:${policy}`]);
      // A display name from /event-actions with a key Vigil has never seen.
      for (const name of c.names) expect(raised('zz_unknown_key', name), name).toEqual([`policy:${policy}`]);
      for (const [key, name] of c.not) expect(raised(key, name), `${key} / ${name}`).not.toContain(`policy:${policy}`);
    });
  }

  it('the look-alikes of every policy raise no pack policy at all, except where the other policy is right', () => {
    expect(raised('app_enabled', 'App enable success')).toEqual([]);
    expect(raised('password_recovery_link_requested', 'Requested password recovery link')).toEqual([]);
    expect(raised('repository_webhook_created', 'Created repository webhook')).toEqual([]);
    // An authentication policy is the auth-policy pack entry, not a data security policy.
    expect(raised('authentication_policy_updated', 'Updated authentication policy')).toEqual(['policy:auth-policy-changed']);
  });

  describe('mass-deactivation', () => {
    const deactivations = (n: number, every: number, actor = 'alice', action = 'user_deactivated', actionName?: string) =>
      Array.from({ length: n }, (_, i) => ev({ time: AFTER + i * every, actor, action, ...(actionName ? { actionName } : {}), target: `user${i}`, at: P.london }));
    const only = { only: ['policy:mass-deactivation'] };

    it('10 accounts deactivated by one actor within an hour raise one high alert listing them, at every sensitivity', () => {
      for (const sensitivity of SENSITIVITIES) {
        const { alerts } = run(deactivations(12, 4 * MIN), { ...only, sensitivity });
        expect(alerts).toHaveLength(1);
        expect(alerts[0]).toMatchObject({ severity: 'high', count: 12, actor: { email: 'alice@example.com' } });
      }
      // by display name, keys unknown; and deletions count too
      expect(run(deactivations(10, 5 * MIN, 'alice', 'zz_key', 'Deactivated account'), only).alerts).toHaveLength(1);
      expect(run(deactivations(10, 5 * MIN, 'alice', 'zz_key', 'Deleted account permanently'), only).alerts).toHaveLength(1);
    });

    it('offboarding one or a few accounts, nine in an hour, ten over a day, or ten by two admins does not', () => {
      expect(run(deactivations(9, 5 * MIN), only).alerts).toHaveLength(0);
      expect(run(deactivations(10, 2 * HOUR), only).alerts).toHaveLength(0);
      expect(run([...deactivations(5, MIN), ...deactivations(5, MIN, 'bob')], only).alerts).toHaveLength(0);
      expect(run(deactivations(10, MIN, 'alice', 'user_reactivated', 'Reactivated account'), only).alerts).toHaveLength(0);
    });

    it('honours user exclusions (an IdP sync account)', () => {
      expect(run(deactivations(12, MIN), { ...only, exclude: { users: ['alice@example.com'] } }).alerts).toHaveLength(0);
    });
  });

  it('every parity policy has a test case here, and every exact key they or the pack name is in docs/action-keys.md', () => {
    expect(Object.keys(CASES).sort()).toEqual(PARITY_POLICIES.map((p) => p.name).filter((n) => n !== 'mass-deactivation').sort());
    const doc = readFileSync(new URL('../../docs/action-keys.md', import.meta.url), 'utf8');
    const exact = DEFAULT_POLICY_PACK.flatMap((p) => p.match.actions ?? []).filter((a) => /^[a-z0-9_]+$/.test(a));
    expect(exact.length).toBeGreaterThan(0);
    for (const key of exact) expect(doc, key).toContain(`\`${key}\``);
  });
});
