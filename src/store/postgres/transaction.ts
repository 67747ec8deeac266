/**
 * One PostgreSQL transaction and what it accumulates: the events its changes cause and their batch
 * counter changes. Both are written last, just before COMMIT (counters.ts, events.ts), once per
 * batch, so a group of many transitions moves each batch's row once; the events are returned to be
 * published after the commit (outbox rule: no listener hears of a change that could still roll back).
 */
import type pg from 'pg';
import type { EngineEvent, NewEvent } from '../../model/events.js';
import { addDelta, emptyDelta, type Delta } from '../transitions.js';
import { applyDeltas, type PendingDelta } from './counters.js';
import { asStoreError, isTransient, isUnavailable, prepared } from './database.js';
import { insertEvents, type BatchEvents } from './events.js';
import { emptyPending, payloads, type Pending } from './notices.js';
import { LOCK_LEASES, WorkflowRows, type LeaseRow } from './workflow-rows.js';

export class Tx {
  readonly #events = new Map<number, BatchEvents>();
  readonly #deltas = new Map<number, PendingDelta>();
  /** What other replicas must hear of when this commits (notices.ts): work, cancels. */
  readonly notice: Pending = emptyPending();
  /** The workflow writes it plans, written at its end (workflow-rows.ts). */
  readonly rows = new WorkflowRows();

  constructor(readonly client: pg.PoolClient) {}

  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.client.query<R>(prepared(text, values));
  }

  /** Locks workflow rows in key order and reads their leases: what the writes planned next are fenced on. */
  async lockWorkflows(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    const { rows } = await this.query<LeaseRow>(LOCK_LEASES, [[...new Set(seqs)].sort((a, b) => a - b)]);
    this.rows.locked(rows);
  }

  /** An event of this transaction's changes: numbered and written just before it commits. */
  log(batchSeq: number, event: NewEvent, workflowSeq: number | null = null): void {
    let batch = this.#events.get(batchSeq);
    if (!batch) this.#events.set(batchSeq, batch = { batchId: event.batchId, list: [] });
    batch.list.push({ event, workflowSeq });
  }

  /** A change to a batch's counters: summed with the transaction's others, applied once per batch. */
  count(batchSeq: number, batchId: string, delta: Delta, at: number): void {
    let pending = this.#deltas.get(batchSeq);
    if (!pending) this.#deltas.set(batchSeq, pending = { batchId, delta: emptyDelta(), at });
    addDelta(pending.delta, delta);
    pending.at = Math.max(pending.at, at);
  }

  /** Writes the workflows, the counters and the events; returns the events with their ids. */
  async finish(): Promise<EngineEvent[]> {
    await this.rows.flush(this);
    const edges = await applyDeltas(this, this.#deltas);
    for (const [seq, edge] of edges) {
      const batchId = this.#deltas.get(seq)!.batchId;
      let batch = this.#events.get(seq);
      if (!batch) this.#events.set(seq, batch = { batchId, list: [] });
      batch.list.unshift(...edge.first.map((event) => ({ event, workflowSeq: null })));
      batch.list.push(...edge.last.map((event) => ({ event, workflowSeq: null })));
    }
    return insertEvents(this, this.#events);
  }
}

export interface Committed<T> {
  value: T;
  events: EngineEvent[];
}

export interface TransactionOptions {
  /** Run `work` again after a deadlock. @default true */
  rerun?: boolean;
  /** Tell other replicas on `channel` what this transaction committed (sent as `origin`). */
  notify?: { channel: string; origin: string };
}

/**
 * Runs `work` in a transaction of its own and commits. With `rerun`, a deadlock or serialization
 * failure runs it again from the start (only for work that reads what it changes inside the
 * transaction, so running it twice is the same as once). Errors that mean the database is
 * unavailable come out as StoreUnavailableError.
 */
export async function transaction<T>(pool: pg.Pool, work: (tx: Tx) => Promise<T>, { rerun = true, notify }: TransactionOptions = {}): Promise<Committed<T>> {
  for (let attempt = 1; ; attempt++) {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw asStoreError(error);
    }
    // While checked out, a client's connection may fail between two statements (the server ended a
    // session it saw frozen, a restart): pg then emits 'error' on it, which must not crash the
    // process; the next statement fails and the transaction with it.
    let lost: Error | null = null;
    const onError = (error: Error) => {
      lost = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const tx = new Tx(client);
      const value = await work(tx);
      const events = await tx.finish();
      if (notify) {
        // Delivered at COMMIT, and only if it commits.
        const batches = [...new Set(events.map((e) => e.batchId))];
        for (const payload of payloads(notify.origin, tx.notice, batches)) {
          await client.query(prepared('SELECT pg_notify($1, $2)', [notify.channel, payload]));
        }
      }
      await client.query('COMMIT');
      client.off('error', onError);
      client.release();
      return { value, events };
    } catch (error) {
      // A connection that broke is dropped from the pool, not handed to the next caller.
      const broken = lost !== null || isUnavailable(error);
      if (!broken) await client.query('ROLLBACK').catch(() => {});
      client.off('error', onError);
      client.release(broken ? (lost ?? (error as Error)) : undefined);
      if (rerun && isTransient(error) && attempt < 5) continue;
      throw asStoreError(error);
    }
  }
}
