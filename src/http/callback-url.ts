/**
 * The checks on a batch's callbackUrl that a JSON schema cannot make: it must parse as a URL
 * (`new URL`), be http: or https: (no javascript:, file:, ftp:, …), carry no credentials, not be
 * an IP address the service must not call (loopback, private, link-local, …: net/address-policy.ts),
 * and the server must hold a WEBHOOK_SECRET: webhooks are never sent unsigned.
 *
 * The address check here only turns an obvious mistake or attack into an early 400. What protects
 * the service is the same check made when the webhook connects (net/guarded-agent.ts): a host
 * name is resolved then, and may resolve to anything.
 */
import { isIP } from 'node:net';
import type { Config } from '../config.js';
import { AddressPolicy, describeRange, parseAllowList } from '../net/address-policy.js';
import { HttpError } from './problem.js';

/** Throws the 400 for a callbackUrl this server will not call; `path`: where the request holds it. */
export function checkCallbackUrl(raw: string, config: Pick<Config, 'WEBHOOK_SECRET' | 'WEBHOOK_ALLOW_HOSTS'>, path = '/body/callbackUrl'): void {
  const invalid = (message: string) => new HttpError(400, 'invalid-callback-url', `${path} ${message}`, [{ path, message }]);
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
  // URL parsing has turned 0x7f000001, 2130706433 and 0177.0.0.1 into 127.0.0.1 already.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) !== 0) {
    const range = new AddressPolicy(parseAllowList(config.WEBHOOK_ALLOW_HOSTS)).refusal(host);
    if (range !== null) throw invalid(`must not point at ${describeRange(range)} (${host}): webhooks go to public addresses only`);
  }
  if (!config.WEBHOOK_SECRET) {
    throw new HttpError(400, 'webhooks-disabled',
      'callbackUrl needs webhooks, and webhooks need WEBHOOK_SECRET set on the server (they are never sent unsigned); nothing was accepted',
      [{ path, message: 'webhooks are off: the server has no WEBHOOK_SECRET' }]);
  }
}
