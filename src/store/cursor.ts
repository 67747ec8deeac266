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
