import { z } from 'zod';
import { odataString, userPath, type GraphClient } from './client.js';

/** The properties every lookup selects (`accountEnabled` is not in the default set). */
export const USER_SELECT = 'id,displayName,userPrincipalName,mail,accountEnabled,onPremisesSyncEnabled,userType';

export const EntraUser = z.looseObject({
  id: z.string().min(1),
  displayName: z.string().nullish(),
  userPrincipalName: z.string().nullish(),
  mail: z.string().nullish(),
  accountEnabled: z.boolean().nullish(),
  onPremisesSyncEnabled: z.boolean().nullish(),
  userType: z.string().nullish(),
  /** Sessions issued before this time are invalid: revokeSignInSessions moves it to now. */
  signInSessionsValidFromDateTime: z.string().nullish(),
});
export type EntraUser = z.infer<typeof EntraUser>;

const UserPage = z.looseObject({ value: z.array(EntraUser) });
const DirectoryObjectPage = z.looseObject({
  value: z.array(z.looseObject({ '@odata.type': z.string().optional(), id: z.string() })),
  '@odata.nextLink': z.string().optional(),
});

export type Resolution =
  | { kind: 'found'; user: EntraUser; matchedBy: string }
  | { kind: 'none'; tried: string[] }
  | { kind: 'ambiguous'; users: EntraUser[]; matchedBy: string };

/** Candidate addresses: the Atlassian email, then the same local part in the mapped Entra domain (ENTRA_DOMAIN_MAP). */
export function candidateAddresses(email: string, domainMap: string[]): string[] {
  const out = [email.trim()];
  const at = email.lastIndexOf('@');
  if (at > 0) {
    const local = email.slice(0, at);
    const domain = email.slice(at + 1).toLowerCase();
    for (const pair of domainMap) {
      const [from, to] = pair.split('=');
      if (from && to && from.toLowerCase() === domain) out.push(`${local}@${to}`);
    }
  }
  return [...new Set(out)];
}

/**
 * Find exactly one Entra user for an email: `mail eq`, then `userPrincipalName eq`, for the email and then
 * each mapped address. The first filter with any match decides; more than one match is ambiguous, never a guess.
 */
export async function resolveUser(graph: GraphClient, email: string, domainMap: string[]): Promise<Resolution> {
  const tried: string[] = [];
  for (const address of candidateAddresses(email, domainMap)) {
    for (const prop of ['mail', 'userPrincipalName'] as const) {
      const filter = `${prop} eq ${odataString(address)}`;
      tried.push(filter);
      const res = await graph.call(
        'GET',
        `/users?$filter=${encodeURIComponent(filter)}&$select=${USER_SELECT}`,
      );
      const page = UserPage.safeParse(res.body);
      if (!page.success) throw new Error(`Microsoft Graph returned an unexpected user list for ${filter}`);
      if (page.data.value.length === 1) return { kind: 'found', user: page.data.value[0]!, matchedBy: filter };
      if (page.data.value.length > 1) return { kind: 'ambiguous', users: page.data.value, matchedBy: filter };
    }
  }
  return { kind: 'none', tried };
}

export interface Memberships {
  /** Ids of activated directory roles the user holds, directly or through a role-assignable group. */
  directoryRoleIds: string[];
  /** Ids of groups the user is a member of, directly or transitively. */
  groupIds: string[];
}

/**
 * Directory roles and groups of a user, from `GET /users/{id}/transitiveMemberOf` (User.Read.All is enough:
 * objects the app may not read come back with their `@odata.type` and `id` only, which is all we need).
 */
export async function getMemberships(graph: GraphClient, userId: string, maxPages = 20): Promise<Memberships> {
  const out: Memberships = { directoryRoleIds: [], groupIds: [] };
  let path: string | undefined = `${userPath(userId)}/transitiveMemberOf?$top=999`;
  for (let page = 0; path && page < maxPages; page++) {
    const res = await graph.call('GET', path);
    const parsed = DirectoryObjectPage.safeParse(res.body);
    if (!parsed.success) throw new Error('Microsoft Graph returned an unexpected transitiveMemberOf page');
    for (const o of parsed.data.value) {
      if (o['@odata.type'] === '#microsoft.graph.directoryRole') out.directoryRoleIds.push(o.id);
      else if (o['@odata.type'] === '#microsoft.graph.group') out.groupIds.push(o.id);
    }
    const next = parsed.data['@odata.nextLink'];
    // nextLink is absolute; keep only the part after the base URL's version segment.
    path = next ? next.replace(/^https?:\/\/[^/]+\/[^/]+/, '') : undefined;
  }
  return out;
}

/** `POST /users/{id}/revokeSignInSessions`: Graph answers 200 `{"value":true}` (documented as 204); any 2xx is success. */
export const revokeSessions = (graph: GraphClient, userId: string) => graph.call('POST', `${userPath(userId)}/revokeSignInSessions`);

/** `PATCH /users/{id}` `{"accountEnabled": ...}` → 204. */
export const setAccountEnabled = (graph: GraphClient, userId: string, enabled: boolean) =>
  graph.call('PATCH', userPath(userId), { accountEnabled: enabled });

/** `POST /users/{sender}/sendMail` → 202 Accepted (queued, not yet delivered). Not idempotent: sent once. */
export const sendMail = (graph: GraphClient, sender: string, mail: { to: string; subject: string; text: string }) =>
  graph.call('POST', `${userPath(sender)}/sendMail`, {
    message: {
      subject: mail.subject,
      body: { contentType: 'Text', content: mail.text },
      toRecipients: [{ emailAddress: { address: mail.to } }],
    },
    saveToSentItems: false,
  }, 'once');

/** `GET /users/{id}`: the account as the directory has it now (to learn what a call with no answer did). */
export async function readUser(graph: GraphClient, userId: string): Promise<EntraUser> {
  const res = await graph.call('GET', `${userPath(userId)}?$select=${USER_SELECT},signInSessionsValidFromDateTime`);
  const user = EntraUser.safeParse(res.body);
  if (!user.success) throw new Error('Microsoft Graph returned an unexpected user object');
  return user.data;
}

/** Guests (B2B) sign in through their home tenant: revokeSignInSessions does nothing for them. */
export const isGuest = (u: EntraUser) => u.userType === 'Guest' || (u.userPrincipalName ?? '').includes('#EXT#');

/** "Adele Vance (AdeleV@contoso.com)" */
export const describeUser = (u: EntraUser) =>
  u.displayName ? `${u.displayName} (${u.userPrincipalName ?? u.mail ?? u.id})` : (u.userPrincipalName ?? u.mail ?? u.id);
