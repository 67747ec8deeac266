/**
 * Webhook signatures, Stripe-style: `clientflow-signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`
 * over `"<t>.<raw body>"`. The timestamp is inside what is signed, so a receiver that checks it
 * against a tolerance rejects a captured request replayed later.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'clientflow-signature';

function hmac(secret: string, timestamp: number, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
}

/** The header value for `rawBody` signed at `timestamp` (unix seconds). */
export function signPayload(secret: string, rawBody: string | Buffer, timestamp: number): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, rawBody)}`;
}

/**
 * True when `header` carries a `v1` signature of `rawBody` (the bytes as received, before any
 * JSON parsing) made with `secret` at a time within `toleranceSec` of `now` (epoch ms).
 * The comparison is timing-safe; several `v1=` entries (a secret being rotated) are allowed.
 */
export function verifySignature(
  secret: string, header: string | undefined, rawBody: string | Buffer, toleranceSec = 300, now: number = Date.now(),
): boolean {
  if (!header) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(now / 1000 - timestamp) > toleranceSec) return false;
  const expected = Buffer.from(hmac(secret, timestamp, rawBody), 'hex');
  return signatures.some((s) => {
    // Buffer.from(…, 'hex') stops at the first non-hex character: check the form first.
    if (!/^[0-9a-f]{64}$/i.test(s)) return false;
    const given = Buffer.from(s, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
