/**
 * What replicas tell each other through LISTEN/NOTIFY: a transaction that writes events, adds
 * runnable work or cancels running workflows sends a notice on the store's channel; it is
 * delivered when (and only if) the transaction commits. Every replica listens on one connection of
 * its own and hands the others' notices to the engine (store.ts `RemoteNotice`): dispatchers wake,
 * streams of the named batches read the store, canceled runs stop. Notices can be lost (the
 * listening connection drops): after it reconnects, a notice that names everything stands in for
 * what it missed, and dispatchers poll anyway.
 */
import pg from 'pg';
import type { Notice } from '../ops/unit.js';
import type { RemoteNotice } from '../store.js';

/** NOTIFY payloads must stay under 8000 bytes: lists longer than this go in several notices. */
const MAX_IDS = 150;


interface Wire {
  /** The sender: a replica ignores its own notices. */
  o: string;
  w?: 1;
  /** Batches with new events; null: too many to name, any may have some. */
  b?: string[] | null;
  cb?: string[];
  cw?: string[];
}

/** The payloads to send for a transaction's notices (none when it has nothing to tell). */
export function payloads(origin: string, pending: Notice, eventBatches: string[]): string[] {
  const out: Wire[] = [];
  if (pending.work || eventBatches.length > 0) {
    out.push({ o: origin, ...(pending.work ? { w: 1 as const } : {}), b: eventBatches.length > MAX_IDS ? null : eventBatches });
  }
  for (let i = 0; i < pending.cancel.batches.length; i += MAX_IDS) out.push({ o: origin, cb: pending.cancel.batches.slice(i, i + MAX_IDS) });
  for (let i = 0; i < pending.cancel.workflows.length; i += MAX_IDS) out.push({ o: origin, cw: pending.cancel.workflows.slice(i, i + MAX_IDS) });
  return out.map((w) => JSON.stringify(w));
}

function parse(payload: string, origin: string): RemoteNotice | null {
  let wire: Wire;
  try {
    wire = JSON.parse(payload) as Wire;
  } catch {
    return null;
  }
  if (wire.o === origin) return null;
  return {
    work: wire.w === 1,
    batches: wire.b === undefined ? [] : wire.b,
    cancel: { batches: wire.cb ?? [], workflows: wire.cw ?? [] },
  };
}

/** Everything may have changed: what a replica assumes after it could not listen for a while. */
const MISSED: RemoteNotice = { work: true, batches: null, cancel: { batches: [], workflows: [] } };

export class NoticeListener {
  readonly #listeners = new Set<(notice: RemoteNotice) => void>();
  #client: pg.Client | null = null;
  #closed = false;
  #retry: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: pg.ClientConfig,
    readonly channel: string,
    readonly origin: string,
  ) {}

  subscribe(listener: (notice: RemoteNotice) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Connects and listens; resolves once listening (a failure retries in the background). */
  async start(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (message) => {
      const notice = message.payload === undefined ? null : parse(message.payload, this.origin);
      if (notice) this.#emit(notice);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch {
      this.#lost(client);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => {});
  }

  /** The connection failed: listen again in a second, then assume anything may have been missed. */
  #lost(client: pg.Client): void {
    if (this.#client === client) this.#client = null;
    client.end().catch(() => {});
    if (this.#closed || this.#retry) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      void this.start().then(() => {
        if (this.#client) this.#emit(MISSED);
      });
    }, 1_000);
    this.#retry.unref();
  }

  #emit(notice: RemoteNotice): void {
    for (const listener of this.#listeners) {
      try {
        listener(notice);
      } catch (error) {
        process.emitWarning(`remote notice listener failed: ${String(error)}`);
      }
    }
  }
}
