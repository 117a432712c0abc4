/**
 * The stored format, shared by every backend: keyv's envelope `{"value":…,"expires":ms}` serialised as JSON,
 * with keyv's one escape (a string value starting with ':' gets one more ':'). Stores written by earlier
 * versions of Vigil (through keyv) are read as they are, and keyv can read what Vigil writes.
 */

/** A JSON string value (or key) starting with ':' — the only case keyv's format escapes. */
const COLON_STRING = /[:,[{]":/;
const unescape = (_k: string, v: unknown) => (typeof v === 'string' ? (v.startsWith(':base64:') ? Buffer.from(v.slice(8), 'base64') : v.startsWith(':') ? v.slice(1) : v) : v);

/** keyv's serializer, on the native JSON functions (values that hold no ':'-string take the plain path). */
export const keyvFormat = {
  serialize(data: unknown): string {
    const plain = JSON.stringify(data);
    if (plain === undefined) return 'null';
    if (!COLON_STRING.test(plain)) return plain;
    return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(':') ? `:${v}` : v));
  },
  deserialize<T>(text: string): T {
    return (COLON_STRING.test(text) ? JSON.parse(text, unescape) : JSON.parse(text)) as T;
  },
};

/** Encode a value with an optional time to live (absolute expiry in the envelope). */
export function encode(value: unknown, ttlMs: number | undefined, now: number): string {
  return keyvFormat.serialize(ttlMs !== undefined && ttlMs > 0 ? { value, expires: now + ttlMs } : { value });
}

/** Decode a stored text; undefined when absent or expired. */
export function decode(text: unknown, now: number): unknown {
  if (typeof text !== 'string') return undefined;
  const env = keyvFormat.deserialize<{ value?: unknown; expires?: unknown } | null>(text);
  if (!env || typeof env !== 'object') return undefined;
  if (typeof env.expires === 'number' && env.expires <= now) return undefined;
  return env.value ?? undefined;
}

/** The last operation on each key wins (a batch may name a key twice). */
export function lastPerKey<T extends { key: string }>(ops: readonly T[]): T[] {
  const by = new Map<string, T>();
  for (const op of ops) {
    by.delete(op.key);
    by.set(op.key, op);
  }
  return [...by.values()];
}
