import { readFile } from 'node:fs/promises';
import { ConfigError } from '../../domain/errors.js';
import { EventActionsPage } from './schema.js';

/** Add the display names of one `/event-actions` page to `names` (items without a display name are skipped). */
export function addActionNames(page: EventActionsPage, names: Map<string, string>): void {
  for (const a of page.data) {
    const name = a.attributes?.displayName?.trim();
    if (name) names.set(a.id, name);
  }
}

/**
 * `vigil replay --actions file`: an `/event-actions` catalogue saved from the API (one page `{"data":[...]}` or
 * a JSON array of such pages), so offline replays match policies by display name as the sweep does. A file that
 * is not in that shape is a ConfigError naming it; nothing is half-loaded.
 */
export async function readActionCatalogue(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--actions ${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`--actions ${file}: not valid JSON (${(err as Error).message.replace(/ in JSON at position \d+.*$/, '')})`);
  }
  const pages = Array.isArray(data) ? data : [data];
  const names = new Map<string, string>();
  pages.forEach((raw, i) => {
    const page = EventActionsPage.safeParse(raw);
    if (!page.success) {
      const where = Array.isArray(data) ? `page ${i + 1}: ` : '';
      throw new ConfigError(`--actions ${file}: ${where}not an /event-actions catalogue (expected {"data":[{"id":"…","attributes":{"displayName":"…"}}]})`);
    }
    addActionNames(page.data, names);
  });
  return names;
}
