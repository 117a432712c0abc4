import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Unreadable input: names the file and the line, so the user can fix it. */
export class InputError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'InputError';
  }
}

export interface RawItem {
  value: unknown;
  line: number;
}

/**
 * Stream audit events out of a file without holding it in memory. Accepts NDJSON (one event per line), a JSON
 * array of events, API pages `{"data":[...]}` (one or several, pretty-printed or not), or a mix of pages and
 * events, one per top-level value. Yields each event object with the line it starts on.
 *
 * The scanner tracks only nesting depth and string state and hands each complete element to JSON.parse, so the
 * cost per byte stays close to JSON.parse itself.
 */
export async function* readEvents(input: Readable, file: string): AsyncGenerator<RawItem> {
  for await (const batch of readEventBatches(input, file)) yield* batch;
}

/**
 * The same, a chunk's worth of events at a time: one await per chunk instead of one per event, which matters on
 * the replay hot path.
 */
export async function* readEventBatches(input: Readable, file: string): AsyncGenerator<RawItem[]> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let pos = 0; // scan position in buf
  let line = 1; // line number at buf[0]
  // Scanner state (persists across chunks):
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1; // start of the current element in buf
  let startLine = 1;
  let elementDepth = 0; // depth at which elements begin (0 = top-level values, 1 = array items, 2 = page data items)
  let mode: 'top' | 'array' | 'page-key' | 'page-data' | 'object' = 'top';
  let keyStart = -1;
  let lastKey = '';

  // Line numbers are counted incrementally: lineAt is only ever asked about positions at or after the last one.
  let countedTo = 0;
  let countedLine = 1;
  let keyLine = 1;
  const lineAt = (i: number) => {
    for (let k = buf.indexOf('\n', countedTo); k !== -1 && k < i; k = buf.indexOf('\n', k + 1)) countedLine++;
    countedTo = Math.max(countedTo, i);
    return countedLine;
  };
  const parse = (text: string, at: number): unknown => {
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new InputError(file, at, `not valid JSON (${(err as Error).message.replace(/ in JSON at position \d+.*$/, '')})`);
    }
  };

  async function* chunks() {
    for await (const c of input) yield typeof c === 'string' ? c : decoder.write(c as Buffer);
    const rest = decoder.end();
    if (rest) yield rest;
  }

  for await (const chunk of chunks()) {
    buf += chunk;
    let nextBackslash = -2; // unknown for this buffer
    const out: RawItem[] = [];
    let i = pos;
    const n = buf.length;
    while (i < n) {
      const c = buf.charCodeAt(i);
      if (c === 123 && depth === 0 && mode === 'top' && !inString) {
        // Fast path for NDJSON (added for replay throughput): a whole line holding one event or one page is
        // handed to JSON.parse directly instead of being scanned char by char. Anything else (pretty-printed
        // objects, several values on a line, invalid JSON) fails here and takes the scanner below unchanged.
        const nl = buf.indexOf('\n', i);
        if (nl !== -1) {
          const items = wholeLine(buf.slice(i, nl));
          if (items) {
            const at = lineAt(i);
            for (const value of items) out.push({ value, line: at });
            i = nl;
            continue;
          }
        }
      }
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 92 /* \ */) escaped = true;
        else if (c === 34 /* " */) {
          inString = false;
          if (keyStart >= 0) {
            lastKey = buf.slice(keyStart + 1, i);
            keyStart = -1;
          }
        } else {
          // Jump to the next quote or backslash. The next backslash is cached: searching for it from every string
          // rescanned the rest of the chunk each time (quadratic when a chunk has no backslash at all).
          const q = buf.indexOf('"', i + 1);
          if (nextBackslash !== -1 && nextBackslash <= i) nextBackslash = buf.indexOf('\\', i + 1);
          const b = nextBackslash;
          const next = q === -1 ? b : b === -1 ? q : Math.min(q, b);
          if (next === -1) {
            i = n;
            break;
          }
          i = next;
          continue;
        }
        i++;
        continue;
      }
      if (c === 34) {
        inString = true;
        if (depth === 1 && (mode === 'page-key' || mode === 'object') && start >= 0 && elementDepth === 0) {
          keyStart = i;
          keyLine = lineAt(i);
        }
        if (start < 0 && depth === elementDepth) {
          throw new InputError(file, lineAt(i), 'expected an audit event object, found a string');
        }
      } else if (c === 123 /* { */ || c === 91 /* [ */) {
        if (depth === 0 && mode === 'top') {
          if (c === 91) {
            mode = 'array';
            elementDepth = 1;
          } else {
            // A top-level object: an event, or a page whose "data" array we stream.
            mode = 'page-key';
            elementDepth = 0;
            start = i;
            startLine = lineAt(i);
          }
        } else if (mode === 'page-key' && depth === 1 && c === 91 && lastKey === 'data') {
          mode = 'page-data';
          elementDepth = 2;
          start = -1;
        } else if (depth === elementDepth && start < 0) {
          if (c !== 123) throw new InputError(file, lineAt(i), 'expected an audit event object');
          start = i;
          startLine = lineAt(i);
        }
        depth++;
      } else if (c === 125 /* } */ || c === 93 /* ] */) {
        depth--;
        if (depth < 0) throw new InputError(file, lineAt(i), 'unbalanced brackets');
        if (depth === elementDepth && start >= 0 && (mode === 'array' || mode === 'page-data')) {
          out.push({ value: parse(buf.slice(start, i + 1), startLine), line: startLine });
          start = -1;
        } else if (depth === 0 && mode === 'page-key' && start >= 0) {
          // A top-level object without a "data" array: an event (NDJSON or concatenated objects).
          out.push({ value: parse(buf.slice(start, i + 1), startLine), line: startLine });
          start = -1;
          mode = 'top';
        } else if (depth === 1 && mode === 'page-data' && c === 93) {
          mode = 'object'; // rest of the page object (meta, links) is skipped
          elementDepth = -1;
        } else if (depth === 0 && (mode === 'array' || mode === 'object' || mode === 'page-data')) {
          mode = 'top';
          elementDepth = 0;
          start = -1;
        }
      } else if (start < 0 && depth === elementDepth && c > 32 && c !== 44 /* , */) {
        throw new InputError(file, lineAt(i), `unexpected "${String.fromCharCode(c)}": expected an audit event object`);
      }
      i++;
    }
    // Drop consumed text, keeping the element in progress.
    const keepFrom = start >= 0 ? start : keyStart >= 0 ? keyStart : i;
    line = start >= 0 ? startLine : keyStart >= 0 ? keyLine : lineAt(i);
    countedTo = 0;
    countedLine = line;
    if (keyStart >= 0) keyStart -= keepFrom;
    if (start >= 0) start -= keepFrom;
    buf = buf.slice(keepFrom);
    pos = i - keepFrom;
    if (out.length > 0) yield out;
  }
  if (depth !== 0 || inString || start >= 0) throw new InputError(file, line, 'unexpected end of input (truncated JSON)');
}

/** One line that is exactly an event object or a page with a `data` array of event objects; else undefined. */
function wholeLine(text: string): unknown[] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const data = (v as { data?: unknown }).data;
  if (!Array.isArray(data)) return [v];
  return data.every((d) => typeof d === 'object' && d !== null && !Array.isArray(d)) ? data : undefined;
}

/** Open a path, or stdin for "-". */
export function openInput(file: string): Readable {
  // Large string chunks: the reader scans text, and decoding in the stream avoids a second pass.
  if (file === '-') return process.stdin.setEncoding('utf8');
  return createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
}
