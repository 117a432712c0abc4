import { readFileSync } from 'node:fs';

/** Every setting name .env.example documents (the deployment files may only set these). */
export function knownSettings(): string[] {
  const text = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
  return [...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!);
}
