/**
 * The `fetch` stage over HTTP: GET CRM_URL_TEMPLATE with the client id, on one keep-alive
 * connection pool per CRM origin (at most CRM_MAX_CONNECTIONS sockets), through the guarded
 * agent, so the SSRF rules of webhooks hold here too (CRM_ALLOW_HOSTS names the exceptions).
 *
 * The stage's signal covers the whole exchange: a timeout, cancel or shutdown aborts the request
 * and closes its socket. What an answer means:
 * - 2xx: the body (at most CRM_MAX_RESPONSE_BYTES) must be JSON matching the client record schema.
 * - 429 and 503: retryable, at least `Retry-After` later; other 5xx and network errors: retryable.
 * - A client id of dots only is never sent (URL parsing would read it as a path step).
 * - 404 and every other 4xx, redirects (never followed: they could point anywhere), a body too
 *   large or not a valid record, an address the policy refuses: permanent — asking again would
 *   get the same answer.
 */
import { STATUS_CODES } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
import { AddressPolicy, type AllowList } from '../../net/address-policy.js';
import { guardedAgent, type Resolver } from '../../net/guarded-agent.js';
import type { ClientId } from '../../model/types.js';
import type { ClientRecord } from './client-record.js';
import { crmRecord } from './crm-record.js';
import { dotsOnly, parseCrmUrlTemplate } from '../../net/crm-url.js';
import { retryAfterMs } from './retry-after.js';
import { StageError } from './stage.js';

export interface CrmOptions {
  /** CRM_URL_TEMPLATE, e.g. `http://127.0.0.1:4010/clients/{id}`. */
  urlTemplate: string;
  /** CRM_MAX_CONNECTIONS: sockets open to the CRM at once; more requests wait for one. */
  maxConnections: number;
  /** CRM_MAX_RESPONSE_BYTES: a longer body fails the stage. */
  maxResponseBytes: number;
  /** CRM_ALLOW_HOSTS: non-public addresses the CRM may be at. */
  allowHosts: AllowList;
  /** DNS for the guarded agent (tests script it). */
  resolve?: Resolver;
  now?: () => number;
}

export interface CrmRequest {
  clientId: ClientId;
  signal: AbortSignal;
  /** Sent as `x-crm-key` (the CRM's per-key quota); null: no header. */
  key: string | null;
  /** Sent as `traceparent` (the fetch attempt's span); null or absent: no header. */
  traceparent?: string | null;
}

export interface CrmClient {
  /** The client's record, or a StageError saying whether asking again may help. */
  fetch(request: CrmRequest): Promise<ClientRecord>;
  /** Closes the pool's sockets (after the engine has stopped running stages). */
  close(): Promise<void>;
}

/** The header carrying the batch's key to the CRM. */
export const CRM_KEY_HEADER = 'x-crm-key';

// A connection that cannot be opened in this time is a network error (retryable); the stage's
// own timeout bounds the whole request anyway.
const CONNECT_TIMEOUT_MS = 10_000;

export function crmClient(options: CrmOptions): CrmClient {
  const template = parseCrmUrlTemplate(options.urlTemplate);
  const now = options.now ?? Date.now;
  const agent: Agent = guardedAgent({
    policy: new AddressPolicy(options.allowHosts), resolve: options.resolve,
    connectTimeoutMs: CONNECT_TIMEOUT_MS, connections: options.maxConnections,
  });
  return {
    async fetch({ clientId, signal, key, traceparent = null }) {
      // Refused at submission; a batch accepted by an older release may still hold one.
      if (dotsOnly(clientId)) throw new StageError('CRM_INVALID_ID', 'a client id of dots only cannot be sent to the CRM');
      let res: Dispatcher.ResponseData;
      try {
        res = await agent.request({
          origin: template.origin, path: template.path(clientId), method: 'GET', signal,
          headers: {
            accept: 'application/json', 'user-agent': 'clientflow-fetch/1', ...(key !== null && { [CRM_KEY_HEADER]: key }),
            ...(traceparent !== null && { traceparent }),
          },
        });
      } catch (e) {
        throw failure(e, signal);
      }
      const { statusCode: status, headers, body } = res;
      if (status < 200 || status >= 300) {
        // Read a little so the connection can be reused; never a lot.
        await body.dump({ limit: 16 * 1024, signal }).catch(() => undefined);
        throw statusError(status, clientId, retryAfterMs(headers['retry-after'], now()));
      }
      const text = await readLimited(body, options.maxResponseBytes, headers['content-length'], signal);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new StageError('CRM_INVALID_RECORD', 'the CRM\'s answer is not JSON');
      }
      return crmRecord(value, clientId);
    },
    close: () => agent.close(),
  };
}

async function readLimited(
  body: Dispatcher.ResponseData['body'], limit: number, declared: string | string[] | undefined, signal: AbortSignal,
): Promise<string> {
  const tooLarge = () => new StageError('CRM_RESPONSE_TOO_LARGE', `the CRM's answer is larger than CRM_MAX_RESPONSE_BYTES (${limit} bytes)`);
  if (typeof declared === 'string' && Number(declared) > limit) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        // Closes the socket: the rest of the body is never read.
        body.destroy();
        throw tooLarge();
      }
      chunks.push(chunk);
    }
  } catch (e) {
    throw e instanceof StageError ? e : failure(e, signal);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function statusError(status: number, clientId: ClientId, retryAfter: number | null): StageError {
  const answered = `${status} ${STATUS_CODES[status] ?? ''}`.trim();
  const later = retryAfter === null ? '' : `; Retry-After ${Math.ceil(retryAfter / 1000)} s`;
  if (status === 429) return new StageError('CRM_THROTTLED', `the CRM answered ${answered}${later}`, { retryable: true, retryAfterMs: retryAfter });
  if (status === 503) return new StageError('CRM_UNAVAILABLE', `the CRM answered ${answered}${later}`, { retryable: true, retryAfterMs: retryAfter });
  if (status >= 500) return new StageError('CRM_ERROR', `the CRM answered ${answered}`, { retryable: true });
  if (status === 404) return new StageError('CRM_NOT_FOUND', `the CRM has no client ${JSON.stringify(clientId)} (${answered})`);
  if (status >= 400) return new StageError('CRM_REJECTED', `the CRM refused the request: ${answered}`);
  return new StageError('CRM_UNEXPECTED_STATUS', `the CRM answered ${answered} (redirects are not followed)`);
}

/**
 * A request that got no usable answer. Aborted by the stage's signal: the abort itself, so the
 * runner reports what aborted it (timeout, cancel, shutdown). Refused by the address policy:
 * permanent (the configuration must change). Anything else is the network: retryable.
 */
function failure(e: unknown, signal: AbortSignal): unknown {
  if (signal.aborted) return e;
  for (const err of [e, (e as { cause?: unknown } | null)?.cause]) {
    const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
    if (code === 'ERR_ADDRESS_REFUSED' && typeof message === 'string') {
      return new StageError('CRM_ADDRESS_REFUSED', `${message} (CRM_ALLOW_HOSTS lists the exceptions)`);
    }
  }
  // The code (ECONNREFUSED, UND_ERR_SOCKET, …) says enough; the message may hold internals.
  const code = (e as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' ? code : 'network error';
  return new StageError('CRM_UNREACHABLE', `the CRM could not be reached: ${reason}`, { retryable: true });
}
