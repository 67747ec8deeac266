/**
 * The checks on a batch's callbackUrl that a JSON schema cannot make: it must parse as a URL
 * (`new URL`), be http: or https: (no javascript:, file:, ftp:, …), carry no credentials (they would
 * show in every GET), and the server must hold a WEBHOOK_SECRET: webhooks are never sent unsigned.
 */
import { HttpError } from './problem.js';

const PATH = '/body/callbackUrl';

function invalid(message: string): HttpError {
  return new HttpError(400, 'invalid-callback-url', `${PATH} ${message}`, [{ path: PATH, message }]);
}

/** Throws the 400 for a callbackUrl this server will not call. */
export function checkCallbackUrl(raw: string, secret: string | undefined): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('must be an absolute http: or https: URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(`must be an http: or https: URL, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') throw invalid('must not contain a user name or password');
  if (!secret) {
    throw new HttpError(400, 'webhooks-disabled',
      'callbackUrl needs webhooks, and webhooks need WEBHOOK_SECRET set on the server (they are never sent unsigned); nothing was accepted',
      [{ path: PATH, message: 'webhooks are off: the server has no WEBHOOK_SECRET' }]);
  }
}
