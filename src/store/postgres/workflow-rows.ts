/**
 * A transaction's workflow writes, kept in memory while it decides and written at its end in a few
 * multi-row statements, whatever their number: every row's new state, outputs included, in one
 * UPDATE (unnest of arrays), results in one upsert, cancel marks in one UPDATE. A group of a
 * thousand transitions costs the same handful of round trips as one.
 *
 * Fencing happens before anything is planned: the rows are locked (FOR UPDATE) and their lease
 * read first, so a write is refused in memory (`holds`), and a refused write leaves nothing behind.
 */
import type { Queryable } from './database.js';
import { STAGES, type StageName, type WorkflowStatus } from '../../model/statuses.js';
import { STAGE_FIELDS, stageValues } from '../rows.js';
import type { ClaimedWorkflow, LeaseFence } from '../store.js';
import type { RowChange } from '../transitions.js';

/** A workflow row's lease as a transaction locked it. */
export interface LeaseRow {
  seq: number;
  status: WorkflowStatus;
  lease_owner: string | null;
  lease_epoch: number;
  cancel_requested: number;
}

/** The columns a write sets, in the order of `values` (the stage columns after these). */
const COLUMNS = [
  ['seq', 'bigint'], ['status', 'text'], ['stage', 'text'], ['attempts', 'int'], ['queued_at', 'bigint'], ['started_at', 'bigint'],
  ['finished_at', 'bigint'], ['error', 'text'], ['run_after', 'bigint'], ['finished', 'bool'], ['release', 'bool'],
  ['has_output', 'bool'], ['output', 'text'],
  ...STAGES.flatMap((s) => [
    [`${s}_status`, 'text'], [`${s}_attempts`, 'int'], [`${s}_started_at`, 'bigint'], [`${s}_finished_at`, 'bigint'],
    [`${s}_error`, 'text'], [`${s}_ms`, 'bigint'],
  ]),
] as const;

if (STAGE_FIELDS.length !== 5) throw new Error('workflow-rows.ts lists the stage columns by hand: update it');

const FINISHED = COLUMNS.findIndex(([c]) => c === 'finished');
const RELEASE = COLUMNS.findIndex(([c]) => c === 'release');
const HAS_OUTPUT = COLUMNS.findIndex(([c]) => c === 'has_output');

const UPDATE = `UPDATE workflows w SET
    status = v.status, stage = v.stage, attempts = v.attempts, queued_at = v.queued_at, started_at = v.started_at,
    finished_at = v.finished_at, error = v.error, run_after = v.run_after,
    cancel_requested = CASE WHEN v.finished THEN 0 ELSE w.cancel_requested END,
    lease_owner = CASE WHEN v.release THEN NULL ELSE w.lease_owner END,
    lease_expires = CASE WHEN v.release THEN NULL ELSE w.lease_expires END,
    output = CASE WHEN v.has_output THEN v.output ELSE w.output END,
    ${COLUMNS.slice(HAS_OUTPUT + 2).map(([c]) => `${c} = v.${c}`).join(', ')}
  FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')}) AS v(${COLUMNS.map(([c]) => c).join(', ')})
  WHERE w.seq = v.seq`;

export class WorkflowRows {
  /** Each written workflow's last state: a later write of the same row in the transaction wins. */
  readonly #rows = new Map<number, unknown[]>();
  readonly #results = new Map<number, [string, number]>();
  readonly #cancelMarks = new Set<number>();
  /** The leases this transaction locked, as they stand after its planned writes. */
  readonly #leases = new Map<number, LeaseRow>();

  /** Rows locked by this transaction: fences are checked against them. */
  locked(rows: readonly LeaseRow[]): void {
    for (const row of rows) this.#leases.set(row.seq, { ...row });
  }

  /** The locked row of `seq`, if this transaction locked it. */
  lease(seq: number): LeaseRow | undefined {
    return this.#leases.get(seq);
  }

  /** Whether the writer still holds the row's lease and claim, as this transaction locked it. */
  holds(fence: LeaseFence): boolean {
    const row = this.#leases.get(fence.seq);
    return row !== undefined && row.lease_owner === fence.leaseOwner && row.lease_epoch === fence.leaseEpoch;
  }

  /** The workflow's state after `change` (whole: every column a change can move). */
  write(wf: ClaimedWorkflow, change: RowChange, stage: StageName | null): void {
    const previous = this.#rows.get(wf.seq);
    const values: unknown[] = [
      wf.seq, wf.status, stage, wf.attempts, wf.queuedAt, wf.startedAt, wf.finishedAt,
      change.finished?.error ? JSON.stringify(change.finished.error) : null,
      // run_after: set while a retry waits out its backoff, cleared by every other write.
      change.runAfter,
      // Once released or finished in this transaction, a later write of the row keeps it so.
      change.finished !== null || previous?.[FINISHED] === true,
      change.release || previous?.[RELEASE] === true,
      // The output, when this write sets one (output()); else the row keeps its own.
      previous?.[HAS_OUTPUT] ?? false, previous?.[HAS_OUTPUT + 1] ?? null,
      ...wf.stages.flatMap((s) => [...stageValues(s), s.status === 'succeeded' ? s.durationMs : null]),
    ];
    this.#rows.set(wf.seq, values);
    const lease = this.#leases.get(wf.seq);
    if (lease) {
      lease.status = wf.status;
      if (change.release) lease.lease_owner = null;
    }
    if (change.release) wf.leaseOwner = null;
  }

  /** A succeeded stage's output, written with the row (call after `write` of the same row). */
  output(seq: number, output: unknown): void {
    const values = this.#rows.get(seq);
    if (!values) throw new Error(`output of workflow ${seq} before its row was written`);
    values[HAS_OUTPUT] = true;
    values[HAS_OUTPUT + 1] = JSON.stringify(output ?? null);
  }

  result(seq: number, result: Record<string, unknown>, at: number): void {
    this.#results.set(seq, [JSON.stringify(result), at]);
  }

  /** A running workflow to abort: its engine sees the mark (notice or heartbeat) and cancels it. */
  markCancel(seq: number): void {
    this.#cancelMarks.add(seq);
    const lease = this.#leases.get(seq);
    if (lease) lease.cancel_requested = 1;
  }

  /** Writes everything planned: at most three statements. */
  async flush(client: Queryable): Promise<void> {
    if (this.#rows.size > 0) {
      const columns: unknown[][] = COLUMNS.map(() => []);
      for (const values of this.#rows.values()) values.forEach((v, i) => columns[i]!.push(v));
      await client.query(UPDATE, columns);
    }
    if (this.#results.size > 0) {
      const results = [...this.#results];
      await client.query(`INSERT INTO results (workflow_seq, data, stored_at) SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[])
        ON CONFLICT (workflow_seq) DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at`,
      [results.map(([seq]) => seq), results.map(([, [data]]) => data), results.map(([, [, at]]) => at)]);
    }
    if (this.#cancelMarks.size > 0) {
      await client.query('UPDATE workflows SET cancel_requested = 1 WHERE seq = ANY($1::bigint[])', [[...this.#cancelMarks]]);
    }
  }
}

/** What a transaction selects to lock workflow rows and read their leases, in key order. */
export const LOCK_LEASES = `SELECT seq, status, lease_owner, lease_epoch, cancel_requested FROM workflows
  WHERE seq = ANY($1::bigint[]) ORDER BY seq FOR UPDATE`;
