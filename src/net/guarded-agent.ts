/**
 * An undici Agent that connects only where an AddressPolicy allows, checked when the socket is
 * opened: the addresses checked are the very ones connected to, so a name that resolves to a
 * public address for a check and to 127.0.0.1 a moment later (DNS rebinding) gains nothing.
 *
 * - A host name is resolved once per connection by `resolve`; every address it returns must be
 *   allowed (or the name itself be on the allow list), else the connection fails with
 *   AddressRefusedError before any packet is sent.
 * - An IP literal (URL parsing has already turned `0x7f000001`, `2130706433` and `0177.0.0.1`
 *   into 127.0.0.1) never reaches a lookup, so it is checked before connecting.
 */
import { promises as dns, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy.js';

/** Every address `hostname` resolves to. Tests inject one to script DNS answers. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, order: 'verbatim' });

/** A connection the policy refused; `range` says why (loopback, private, …). */
export class AddressRefusedError extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';
  constructor(readonly host: string, readonly address: string, readonly range: string) {
    super(`refused to connect to ${host === address ? address : `${host} (${address})`}: ${range} address`);
    this.name = 'AddressRefusedError';
  }
}

/** net.connect's `lookup`: resolves, checks every address, hands on only what it checked. */
export function guardedLookup(policy: AddressPolicy, resolve: Resolver): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    const found = (async () => {
      const answers = (await resolve(hostname))
        .filter((a) => !options.family || options.family === a.family || options.family === `IPv${a.family}`);
      if (answers.length === 0) {
        throw Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND', hostname });
      }
      if (!policy.allowsHost(hostname)) {
        for (const { address } of answers) {
          const range = policy.refusal(address);
          if (range !== null) throw new AddressRefusedError(hostname, address, range);
        }
      }
      return answers;
    })();
    found.then((answers) => {
      if (options.all) callback(null, answers);
      else callback(null, answers[0]!.address, answers[0]!.family);
    }, (err: NodeJS.ErrnoException) => callback(err, '', 0));
  };
}

export interface GuardedAgentOptions {
  policy: AddressPolicy;
  resolve?: Resolver;
  /** Longest wait for a connection (lookup included), ms. */
  connectTimeoutMs: number;
  /** Most connections per origin (the CRM's cap); unset: undici's default, no cap. */
  connections?: number;
}

export function guardedAgent({ policy, resolve = systemResolver, connectTimeoutMs, connections }: GuardedAgentOptions): Agent {
  const connectHost = buildConnector({ timeout: connectTimeoutMs, lookup: guardedLookup(policy, resolve) });
  const connect: buildConnector.connector = (options, callback) => {
    // undici hands IPv6 literals over without their brackets.
    if (isIP(options.hostname) !== 0) {
      const range = policy.refusal(options.hostname);
      if (range !== null) {
        callback(new AddressRefusedError(options.hostname, options.hostname, range), null);
        return;
      }
    }
    connectHost(options, callback);
  };
  return new Agent({ connect, ...(connections !== undefined && { connections }) });
}
