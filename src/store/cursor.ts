/**
 * Opaque keyset cursors: the last row's id (a batch's or a workflow's, which its reader already
 * sees), base64url-encoded. A backend turns it back into the row's key. The key itself is never
 * shown: it counts every tenant's rows, so two cursors would tell how many another tenant made
 * between them.
 */
import { InvalidCursorError } from './errors.js';

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function encodeCursor(id: string): string {
  return Buffer.from(`i${id}`).toString('base64url');
}

/** The row id a cursor names; InvalidCursorError when it is not one this service issued. */
export function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = text.slice(1);
  if (text[0] !== 'i' || !ID.test(id)) throw new InvalidCursorError();
  return id;
}

/** The key of the row a cursor names, by `lookup`; InvalidCursorError when that row is gone or elsewhere. */
export function keyOf(key: number | null | undefined): number {
  if (key === null || key === undefined) throw new InvalidCursorError('cursor names no row of this listing (it may have been purged)');
  return key;
}
