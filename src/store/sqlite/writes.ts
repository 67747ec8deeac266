/**
 * Workflow rows on SQLite, as the port (driver.ts) asks for them: the rows a change reads, their
 * leases, and fenced writes. A write assigns only the columns its change moves (`WriteShape`):
 * SQLite updates an index only when an UPDATE assigns one of its columns, so a stage boundary
 * touches no index, a first start only the status ones, and only the end of a claim the lease ones.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import { STAGES, type StageName } from '../../model/statuses.js';
import type { LeaseState, RowQuery, WriteShape } from '../driver.js';
import { ACTIVE, STAGE_FIELDS, stageValues, WORKFLOW_ROW, type FullRow } from '../rows.js';
import type { ClaimedWorkflow } from '../store.js';
import type { RowChange } from '../transitions.js';

/**
 * The leased rows a release reads, through the partial index of leased rows only: ordered by
 * `seq` alone, SQLite would rather walk the whole table in key order than sort the few leased
 * rows, and the sweep for expired leases runs every POLL_MS (80 ms a sweep at 200,000 rows).
 */
const LEASED_ROWS = {
  all: `${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL ORDER BY w.lease_expires, w.seq`,
  expired: `${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL AND w.lease_expires < ? ORDER BY w.lease_expires, w.seq`,
  owned: `${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL AND w.lease_owner = +? ORDER BY w.lease_expires, w.seq`,
} as const;

export class WorkflowWrites {
  readonly #db: DB;
  /** The UPDATEs of `write`, one per shape (which columns it assigns), prepared once each. */
  readonly #narrow = new Map<string, Statement>();
  readonly #lease: Statement;
  readonly #markCancel: Statement;
  readonly #upsertResult: Statement;
  readonly #upsertOutput: Statement;
  readonly #byId: Statement;
  readonly #unfinished: Statement;
  readonly #retryable: Statement;
  readonly #leased: Statement;
  readonly #expired: Statement;
  readonly #owned: Statement;
  readonly #ownedIn: Statement;

  constructor(db: DB) {
    this.#db = db;
    this.#lease = db.prepare(`SELECT status, lease_owner AS leaseOwner, lease_epoch AS leaseEpoch, cancel_requested AS cancelRequested
      FROM workflows WHERE seq = ?`);
    this.#markCancel = db.prepare('UPDATE workflows SET cancel_requested = 1 WHERE seq = ?');
    // Written right after the workflow's fenced write, in its transaction: only under the lease.
    this.#upsertOutput = db.prepare(`INSERT INTO outputs (workflow_seq, data) VALUES (?, ?)
      ON CONFLICT (workflow_seq) DO UPDATE SET data = excluded.data`);
    // After the workflow's fenced write (or a read of its lease), in its transaction: that was the fence.
    this.#upsertResult = db.prepare(`INSERT INTO results (workflow_seq, data, stored_at) VALUES (?, ?, ?)
      ON CONFLICT (workflow_seq) DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at`);
    this.#byId = db.prepare(`${WORKFLOW_ROW} WHERE w.id = ?`);
    this.#unfinished = db.prepare(`${WORKFLOW_ROW} WHERE w.batch_seq = ? AND w.${ACTIVE} ORDER BY w.seq`);
    this.#retryable = db.prepare(`${WORKFLOW_ROW} WHERE w.batch_seq = ? AND w.status IN ('failed', ?) ORDER BY w.seq`);
    this.#leased = db.prepare(LEASED_ROWS.all);
    this.#expired = db.prepare(LEASED_ROWS.expired);
    this.#owned = db.prepare(LEASED_ROWS.owned);
    this.#ownedIn = db.prepare(`${WORKFLOW_ROW} WHERE w.lease_owner = +? AND w.id IN (SELECT value FROM json_each(?)) ORDER BY w.seq`);
  }

  rows(query: RowQuery): FullRow[] {
    if ('workflowId' in query) return this.#byId.all(query.workflowId) as FullRow[];
    if ('batchSeq' in query) {
      return (query.status === 'unfinished' ? this.#unfinished.all(query.batchSeq)
        : this.#retryable.all(query.batchSeq, query.status === 'failed' ? 'failed' : 'canceled')) as FullRow[];
    }
    if (query.leased === 'all') return this.#leased.all() as FullRow[];
    if (query.leased === 'expired') return this.#expired.all(query.at) as FullRow[];
    return (query.ids ? this.#ownedIn.all(query.owner, JSON.stringify(query.ids)) : this.#owned.all(query.owner)) as FullRow[];
  }

  leaseOf(seq: number): LeaseState | undefined {
    const row = this.#lease.get(seq) as (Omit<LeaseState, 'cancelRequested'> & { cancelRequested: number }) | undefined;
    return row && { ...row, cancelRequested: row.cancelRequested === 1 };
  }

  /**
   * One UPDATE that assigns only what the change moves: `whole` rewrites the workflow's status
   * and times too (cancel, requeue, release); `first start` sets it running; a finish sets its
   * status, a release its lease. Fenced on the lease and claim `wf` holds.
   */
  write(wf: ClaimedWorkflow, change: RowChange, stage: StageName | null, { stages, times }: WriteShape): boolean {
    const status = times === 'whole' || change.finished !== null;
    const key = `${times}${change.finished ? ' finished' : ''}${change.release ? ' release' : ''}:${stages.join(',')}`;
    let statement = this.#narrow.get(key);
    if (!statement) {
      const sets = [
        ...(times === 'first start' ? ["status = 'running'", 'started_at = ?'] : []),
        ...(times === 'whole' ? ['queued_at = ?', 'started_at = ?'] : []),
        ...(status ? ['status = ?', 'finished_at = ?', 'error = ?'] : []),
        ...(change.finished ? ['cancel_requested = 0'] : []),
        ...(change.release ? ['lease_owner = NULL', 'lease_expires = NULL'] : []),
        'stage = ?', 'attempts = ?', 'run_after = ?',
        ...stages.flatMap((s) => [...STAGE_FIELDS.map((f) => `${s}_${f} = ?`), `${s}_ms = ?`]),
      ];
      statement = this.#db.prepare(`UPDATE workflows SET ${sets.join(', ')} WHERE seq = ? AND lease_owner IS ? AND lease_epoch = ?`);
      this.#narrow.set(key, statement);
    }
    const values: unknown[] = [];
    if (times === 'first start') values.push(wf.startedAt);
    if (times === 'whole') values.push(wf.queuedAt, wf.startedAt);
    if (status) values.push(wf.status, wf.finishedAt, change.finished?.error ? JSON.stringify(change.finished.error) : null);
    // run_after: set while a retry waits out its backoff, cleared by every other write.
    values.push(stage, wf.attempts, change.runAfter);
    for (const name of stages) {
      const state = wf.stages[STAGES.indexOf(name)]!;
      values.push(...stageValues(state), state.status === 'succeeded' ? state.durationMs : null);
    }
    if (statement.run(...values, wf.seq, wf.leaseOwner, wf.leaseEpoch).changes !== 1) return false;
    if (change.release) wf.leaseOwner = null;
    return true;
  }

  saveOutput(seq: number, output: unknown): void {
    this.#upsertOutput.run(seq, JSON.stringify(output ?? null));
  }

  saveResult(seq: number, result: Record<string, unknown>, at: number): void {
    this.#upsertResult.run(seq, JSON.stringify(result), at);
  }

  markCancel(seq: number): void {
    this.#markCancel.run(seq);
  }
}
