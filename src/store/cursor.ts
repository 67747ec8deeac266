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

/**
 * A cursor into a list ordered by a time, newest first (failed workflows by when they failed):
 * the last row's time and id (its key looked up by the backend, as for `decodeCursor`), so rows
 * that share a millisecond are neither skipped nor repeated. The time stays in the cursor: a
 * workflow retried since has none, and the page goes on from where it was. The id goes without
 * its dashes, so the cursor fits the 64 characters a cursor may have.
 */
export function encodeTimeCursor(at: number, id: string): string {
  return Buffer.from(`t${at}.${id.replaceAll('-', '')}`).toString('base64url');
}

export function decodeTimeCursor(cursor: string): { at: number; id: string } {
  const text = Buffer.from(cursor, 'base64url').toString();
  const match = /^t(0|[1-9][0-9]{0,15})\.([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(text);
  if (!match?.[1]) throw new InvalidCursorError();
  return { at: Number(match[1]), id: match.slice(2).join('-') };
}
