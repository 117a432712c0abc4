import type { ActionRequest } from '../domain/index.js';
import type { GraphClient } from './graph/client.js';
import { readUser, resolveUser, type EntraUser } from './graph/users.js';
import { describeGraphFailure } from './messages.js';

/**
 * Four-eyes counts people, not clicks. A responder on one platform is one person per platform user id. Across
 * platforms (a Slack user and a Teams user) Vigil maps both to one person before counting: the Slack user by the
 * email Slack reports (users.info `profile.email`), the Teams user by the Entra object id (`aadObjectId`); Graph
 * adds the other half (the Entra user that email resolves to; the Teams user's mail and UPN).
 *
 * Same person: the Entra object ids match, or any of their addresses match (case-insensitively).
 * Different people: both have an Entra object id, the ids differ and no address matches.
 * Anything else is unknown, and an unknown second click is not counted as a second person: an identity that
 * cannot be resolved (no email scope, lookup failed, no Entra match) cannot be the second approver across
 * platforms. The same person on the same platform, or a second responder on the requester's platform, needs no lookup.
 */

type By = ActionRequest['by'];

/** One responder as a person, for the audit trail. */
export interface Person {
  platform: By['platform'];
  id: string;
  /** Entra object id: Teams' aadObjectId, or the one Entra user the reported email resolves to. */
  entraId?: string;
  /** Lower-cased addresses known for the person: the platform's email, the Entra mail and UPN. */
  addresses: string[];
  /** Why no Entra object id is known, when it is not. */
  unresolved?: string;
}

export type Verdict = 'same' | 'different' | 'unknown';

export interface PeopleCheck {
  verdict: Verdict;
  reason: string;
  requester: Person;
  approver: Person;
}

export interface IdentityDeps {
  graph: GraphClient | undefined;
  /** ENTRA_DOMAIN_MAP, so a Slack email in another domain still finds its Entra user. */
  domainMap: string[];
}

const lower = (s: string | null | undefined) => (s ? [s.trim().toLowerCase()] : []);
const directoryAddresses = (u: EntraUser) => [...lower(u.mail), ...lower(u.userPrincipalName)];

/** Resolve one responder to a person (Graph lookups only where the platform did not say). */
export async function identify(by: By, deps: IdentityDeps): Promise<Person> {
  const person: Person = { platform: by.platform, id: by.id, addresses: lower(by.email) };
  const entraId = by.entraId?.trim().toLowerCase();
  if (entraId) {
    person.entraId = entraId;
    // The addresses only help to recognise the same person; without them the object id still decides.
    if (deps.graph) person.addresses.push(...(await readUser(deps.graph, entraId).then(directoryAddresses, () => [])));
  } else if (!by.email) {
    person.unresolved = `${by.platform} reported no email address for ${by.id} (Slack needs the users:read.email scope)`;
  } else if (!deps.graph) {
    person.unresolved = 'Entra ID is not configured, so the email cannot be matched to an Entra user';
  } else {
    try {
      const r = await resolveUser(deps.graph, by.email, deps.domainMap);
      if (r.kind === 'found') {
        person.entraId = r.user.id.toLowerCase();
        person.addresses.push(...directoryAddresses(r.user));
      } else person.unresolved = r.kind === 'none' ? `no Entra ID user matches ${by.email}` : `${r.users.length} Entra ID users match ${by.email}`;
    } catch (err) {
      person.unresolved = describeGraphFailure(err, `look up ${by.email} in Entra ID`);
    }
  }
  person.addresses = [...new Set(person.addresses)];
  return person;
}

/** Are two resolved responders the same person? (See the rules above.) */
export function samePerson(a: Person, b: Person): { verdict: Verdict; reason: string } {
  if (a.platform === b.platform)
    return a.id === b.id ? { verdict: 'same', reason: `the same ${a.platform} user ${a.id}` } : { verdict: 'different', reason: `two different ${a.platform} users` };
  if (a.entraId && a.entraId === b.entraId) return { verdict: 'same', reason: `the same Entra user ${a.entraId}` };
  const shared = a.addresses.find((x) => b.addresses.includes(x));
  if (shared) return { verdict: 'same', reason: `the same email address ${shared}` };
  if (a.entraId && b.entraId) return { verdict: 'different', reason: `different Entra users (${a.entraId}, ${b.entraId})` };
  const missing = [a, b].filter((p) => !p.entraId).map((p) => `${p.platform}:${p.id}: ${p.unresolved ?? 'no Entra object id'}`);
  return { verdict: 'unknown', reason: `cannot tell whether ${a.platform}:${a.id} and ${b.platform}:${b.id} are different people (${missing.join('; ')})` };
}

/** The requester of a pending four-eyes request and a new click on it: one person or two? */
export async function comparePeople(requester: By, approver: By, deps: IdentityDeps): Promise<PeopleCheck> {
  // On one platform the user id decides: nothing to look up.
  const local = (by: By): Person => ({ platform: by.platform, id: by.id, addresses: lower(by.email) });
  const [a, b] =
    requester.platform === approver.platform ? [local(requester), local(approver)] : await Promise.all([identify(requester, deps), identify(approver, deps)]);
  return { ...samePerson(a, b), requester: a, approver: b };
}

/** What the responder who clicked is told when the click does not count as the second person. */
export function notCountedMessage(check: PeopleCheck, requesterName: string): string {
  if (check.verdict === 'same')
    return `Still waiting for a second responder: this click is by ${requesterName}, who requested the suspension (${check.reason}). Four-eyes needs another person (ENTRA_FOUR_EYES).`;
  return (
    `Still waiting for a second responder: Vigil could not confirm that you are not ${requesterName}, who requested the suspension ` +
    `(${check.reason}), so this click does not count as the second approval. A responder on the requester's platform, or one whose ` +
    `email resolves to an Entra ID user, can approve.`
  );
}

/** The audit form of a check: verdict, reason and both resolved identities. */
export const checkDetail = (c: PeopleCheck) => ({ verdict: c.verdict, reason: c.reason, requester: c.requester, approver: c.approver });
