/**
 * Open event streams, long-polls and exports, counted against SSE_MAX_STREAMS (at most three
 * quarters of MAX_CONNECTIONS, so ordinary requests keep connections of their own) and against
 * each tenant's `maxStreams`, so one tenant cannot take every slot from the others. They end
 * together when the server closes, so a client watching (or slowly downloading) a batch never
 * delays a shutdown, and a key's end when it is revoked: at once on the replica that revokes it,
 * within KEY_CACHE_MS on the others (`sweep`).
 */
import type { ServerResponse } from 'node:http';
import { HttpError } from './problem.js';

/** How long a close waits for the watches it ended to be sent: a client that reads nothing cannot hold it. */
const SEND_WAIT_MS = 1_000;

/** The abort reason of a watch whose key was revoked: the route answers 401 where it still can. */
export const KEY_REVOKED = 'key revoked';

export interface Watch {
  /** Aborted when the client goes away, the server closes (no reason) or the key is revoked (KEY_REVOKED). */
  controller: AbortController;
  /** Frees the slot; call once the response is done. */
  close: () => void;
}

/** An SSE event stream, a long poll (GET /v1/batches/{id}?wait=N), or an export (GET /v1/batches/{id}/results). */
export type WatchKind = 'stream' | 'poll' | 'export';

/** Who opens a watch, and how many the tenant may hold open here (null: no bound, an admin key). */
export interface Watcher {
  tenant: string;
  keyId: string | null;
  maxStreams: number | null;
}

interface Open {
  response: ServerResponse;
  keyId: string | null;
}

/** The most watches a server may hold: SSE_MAX_STREAMS, within three quarters of MAX_CONNECTIONS. */
export function watchCap(sseMaxStreams: number, maxConnections: number): number {
  return Math.max(0, Math.min(sseMaxStreams, maxConnections - Math.ceil(maxConnections / 4)));
}

export class Watchers {
  /** Each open watch's switch, with the response it answers and its key. */
  readonly #open = new Map<AbortController, Open>();
  readonly #count: Record<WatchKind, number> = { stream: 0, poll: 0, export: 0 };
  readonly #byTenant = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  /** How many watches of this kind are open now (a metric). */
  count(kind: WatchKind): number {
    return this.#count[kind];
  }

  /** How many watches `tenant` holds open here. */
  countOf(tenant: string): number {
    return this.#byTenant.get(tenant) ?? 0;
  }

  /**
   * A new watch for `response`: a 429 problem when the tenant holds its `maxStreams` already,
   * a 503 (retry shortly) when the server's cap is reached.
   */
  open(response: ServerResponse, kind: WatchKind, who: Watcher): Watch {
    const held = this.countOf(who.tenant);
    if (who.maxStreams !== null && held >= who.maxStreams) {
      throw new HttpError(429, 'too-many-streams',
        `tenant ${who.tenant} has ${held} event streams, long-polls and exports open, its maxStreams; close one or retry later`, undefined, { 'retry-after': '5' });
    }
    if (this.#open.size >= this.#max) {
      throw new HttpError(503, 'too-many-streams', 'too many event streams, long-polls and exports are open; retry shortly', undefined, { 'retry-after': '5' });
    }
    const controller = new AbortController();
    this.#open.set(controller, { response, keyId: who.keyId });
    this.#count[kind] += 1;
    this.#byTenant.set(who.tenant, held + 1);
    return {
      controller,
      close: () => {
        if (!this.#open.delete(controller)) return;
        this.#count[kind] -= 1;
        const left = this.countOf(who.tenant) - 1;
        if (left > 0) this.#byTenant.set(who.tenant, left);
        else this.#byTenant.delete(who.tenant);
      },
    };
  }

  /** Ends every watch opened with `keyId` (revoked); how many there were. */
  endKey(keyId: string): number {
    let ended = 0;
    for (const [controller, open] of this.#open) {
      if (open.keyId !== keyId) continue;
      controller.abort(KEY_REVOKED);
      ended += 1;
    }
    return ended;
  }

  /**
   * Ends the watches whose key `revoked` says is no longer valid (revoked on another replica or
   * by the CLI): one look per key with watches open. A failed look ends nothing.
   */
  async sweep(revoked: (keyId: string) => Promise<boolean>): Promise<void> {
    const keys = new Set<string>();
    for (const { keyId } of this.#open.values()) if (keyId !== null) keys.add(keyId);
    for (const keyId of keys) {
      if (await revoked(keyId).catch(() => false)) this.endKey(keyId);
    }
  }

  /**
   * Ends every watch (server closing) and resolves once their responses are sent, or after
   * SEND_WAIT_MS. An abort only starts the end: a stream writes its last bytes and a long-poll
   * its answer on later turns of the event loop. Waiting here means what the close does next
   * (Fastify closing the server, a test cutting every connection) never cuts one short.
   */
  async abortAll(): Promise<void> {
    const responses = [...this.#open].map(([controller, { response }]) => {
      controller.abort();
      return response;
    });
    if (responses.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(responses.map(sent)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SEND_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** Resolves when the response has been handed to the OS in full, or its connection is gone. */
function sent(response: ServerResponse): Promise<void> {
  if (response.writableFinished || response.destroyed) return Promise.resolve();
  return new Promise<void>((resolve) => {
    response.once('finish', resolve);
    response.once('close', resolve);
  });
}
