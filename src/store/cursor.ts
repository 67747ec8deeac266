/** Opaque keyset cursors: the last row's sequence number, base64url-encoded. */
import { InvalidCursorError } from './errors.js';

export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^s([1-9][0-9]{0,15})$/.exec(text);
  if (!match?.[1]) throw new InvalidCursorError();
  return Number(match[1]);
}

/**
 * A cursor into a list ordered by a time, newest first (failed workflows by when they failed):
 * the last row's time and sequence number, so rows that share a millisecond are neither skipped
 * nor repeated.
 */
export function encodeTimeCursor(at: number, seq: number): string {
  return Buffer.from(`t${at}.${seq}`).toString('base64url');
}

export function decodeTimeCursor(cursor: string): { at: number; seq: number } {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^t(0|[1-9][0-9]{0,15})\.([1-9][0-9]{0,15})$/.exec(text);
  if (!match?.[1] || !match[2]) throw new InvalidCursorError();
  return { at: Number(match[1]), seq: Number(match[2]) };
}
