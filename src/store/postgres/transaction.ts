/**
 * One PostgreSQL transaction: the connection it runs on, the workflow rows it locked and the
 * writes it plans for them (workflow-rows.ts), and what its sequences accumulate (ops/unit.ts).
 * At its end the planned rows are written, then each batch's counters and the events
 * (ops/commit.ts); the events are returned to be published after the commit (outbox rule: no
 * listener hears of a change that could still roll back).
 */
import type pg from 'pg';
import type { EngineEvent } from '../../model/events.js';
import type { AsyncDriver } from '../driver.js';
import { commit } from '../ops/commit.js';
import { runAsync, type Steps } from '../ops/steps.js';
import { Unit } from '../ops/unit.js';
import { asStoreError, isTransient, isUnavailable, prepared } from './database.js';
import { postgresDriver } from './driver.js';
import { payloads } from './notices.js';
import { LOCK_LEASES, WorkflowRows, type LeaseRow } from './workflow-rows.js';

export class Tx {
  /** What the sequences run in this transaction accumulate: events, counter changes, notices. */
  readonly unit = new Unit();
  /** The workflow writes it plans, written at its end (workflow-rows.ts). */
  readonly rows = new WorkflowRows();
  readonly #driver: AsyncDriver = postgresDriver(this);

  constructor(readonly client: pg.PoolClient) {}

  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    return this.client.query<R>(prepared(text, values));
  }

  /** Runs a sequence (ops/) in this transaction. */
  run<T>(steps: Steps<T>): Promise<T> {
    return runAsync(steps, this.#driver);
  }

  /** Locks workflow rows in key order and reads their leases: what the writes planned next are fenced on. */
  async lockWorkflows(seqs: number[]): Promise<void> {
    if (seqs.length === 0) return;
    const { rows } = await this.query<LeaseRow>(LOCK_LEASES, [[...new Set(seqs)].sort((a, b) => a - b)]);
    this.rows.locked(rows);
  }

  /** Writes the workflows, the counters and the events; returns the events with their ids. */
  async finish(): Promise<EngineEvent[]> {
    await this.rows.flush(this);
    return this.run(commit(this.unit));
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
        for (const payload of payloads(notify.origin, tx.unit.notice, batches)) {
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
