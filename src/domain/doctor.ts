/** One line of `vigil doctor`: what was checked, the verdict, and for anything not passing, how to fix it. */
export interface DoctorRow {
  /** Integration the row belongs to (atlassian, graph, slack, teams, jira, store); credential state is kept per group. */
  group: string;
  check: string;
  status: 'pass' | 'warn' | 'fail' | 'skip';
  detail: string;
  fix?: string;
}

export const DAY_MS = 86_400_000;

/** A short reason from a thrown error, for a row's detail (messages from fetchJson are already secret-free). */
export const reason = (err: unknown) => ((err as Error)?.message ?? String(err)).split('\n')[0]!.slice(0, 300);
