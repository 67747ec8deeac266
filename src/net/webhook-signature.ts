/**
 * Webhook signatures as Standard Webhooks (standardwebhooks.com) defines them, so a receiver can
 * verify with any of its libraries:
 *
 *   webhook-id:        the notification's id, the same on every attempt of it
 *   webhook-timestamp: unix seconds when this attempt was signed
 *   webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<raw body>">
 *
 * The key is the base64 part of WEBHOOK_SECRET `whsec_<base64>`, at least 32 bytes once decoded.
 * The id and timestamp are inside what is signed: a receiver that checks the timestamp against a
 * tolerance rejects a captured request replayed later, and one that remembers ids drops a repeat.
 */
import { createHmac } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const MIN_KEY_BYTES = 32;

/** What WEBHOOK_SECRET must look like, for messages (never the secret itself). */
export const SECRET_FORM = `${SECRET_PREFIX}<base64 of at least ${MIN_KEY_BYTES} random bytes>, e.g. "${SECRET_PREFIX}$(openssl rand -base64 32)"`;

/** Padded standard base64 (what `openssl rand -base64` prints; what the receivers' libraries decode). */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The HMAC key of a `whsec_<base64>` secret; null when the secret is not of that form or too short. */
export function secretKey(secret: string): Buffer | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!BASE64.test(encoded)) return null;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= MIN_KEY_BYTES ? key : null;
}

/** The three signature headers for `body` sent as notification `id` at `timestamp` (unix seconds). */
export function signatureHeaders(key: Buffer, id: string, timestamp: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': `v1,${signature}`,
  };
}
