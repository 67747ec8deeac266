/**
 * API keys: `cf_<id>_<secret>`. The id is public (lists, logs, rate limits) and finds the stored
 * record; the secret is 32 random bytes. Only the SHA-256 of the whole key is stored: a leaked
 * database gives no usable key. A fast hash is right here, unlike for passwords: 256 random bits
 * leave nothing for a slow hash to protect against guessing.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_RE = /^cf_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface MintedKey {
  id: string;
  /** The key to hand to its holder: shown once, never stored. */
  key: string;
  hash: string;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function mintKey(): MintedKey {
  // 12 characters of [a-z0-9] from 9 random bytes: unique enough for ids, readable in a log.
  const id = BigInt(`0x${randomBytes(9).toString('hex')}`).toString(36).padStart(12, '0').slice(-12);
  const key = `cf_${id}_${randomBytes(32).toString('base64url')}`;
  return { id, key, hash: hashKey(key) };
}

/** The id of a well-formed key, else null (nothing to look up). */
export function keyIdOf(key: string): string | null {
  return KEY_RE.exec(key)?.[1] ?? null;
}

/** Whether `key` hashes to `hash`, compared in constant time. */
export function keyMatches(key: string, hash: string): boolean {
  const given = Buffer.from(hashKey(key), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
