/** Workflow and batch rows (the same columns in every backend) → the shapes the state machine and the runner use. Pure: no queries here; the SQL fragments below are standard SQL. */
import { STAGES, type StageName, type StageStatus, type WorkflowStatus } from '../model/statuses.js';
import type { BatchOptions, ErrorInfo, Page, StageState } from '../model/types.js';
import { encodeCursor } from './cursor.js';
import type { ClaimedWorkflow } from './store.js';

/** The columns holding one stage's state, in the order `stageValues` gives them. */
export const STAGE_FIELDS = ['status', 'attempts', 'started_at', 'finished_at', 'error'] as const;

/** Every stage's columns, in STAGES order: what a SELECT or RETURNING lists to rebuild `stages`. */
export const STAGE_COLUMNS = STAGES.flatMap((s) => STAGE_FIELDS.map((f) => `${s}_${f}`)).join(', ');

/** The stage columns of a row, as selected with STAGE_COLUMNS. */
export type StageColumns = Record<`${StageName}_${(typeof STAGE_FIELDS)[number]}`, unknown>;

/** A row's stage columns → the stages, in STAGES order. The duration is derived: finished − started. */
export function stagesOf(row: StageColumns): StageState[] {
  return STAGES.map((name) => {
    const startedAt = row[`${name}_started_at`] as number | null;
    const finishedAt = row[`${name}_finished_at`] as number | null;
    const error = row[`${name}_error`] as string | null;
    return {
      name,
      status: row[`${name}_status`] as StageStatus,
      attempts: row[`${name}_attempts`] as number,
      startedAt,
      finishedAt,
      durationMs: startedAt === null || finishedAt === null ? null : Math.max(0, finishedAt - startedAt),
      error: error === null ? null : (JSON.parse(error) as ErrorInfo),
    };
  });
}

/** One stage's values for its STAGE_FIELDS columns. */
export function stageValues(stage: StageState): [StageStatus, number, number | null, number | null, string | null] {
  return [stage.status, stage.attempts, stage.startedAt, stage.finishedAt, stage.error === null ? null : JSON.stringify(stage.error)];
}

/** A workflows row as stored (SELECT w.*, plus its batch's id and tenant). */
export interface FullRow extends StageColumns {
  seq: number; id: string; batch_id: string; tenant?: string; batch_seq: number; client_id: string; priority: number; status: WorkflowStatus;
  stage: StageName | null; attempts: number; queued_at: number; started_at: number | null; finished_at: number | null;
  lease_owner: string | null; lease_epoch: number; cancel_requested: number; run_after: number | null;
}

/** A workflow or batch not finished yet (statuses from model/statuses.ts). */
export const ACTIVE = `status IN ('queued', 'running')`;

/** A full workflow row with its batch's id and tenant: what the state machine and the queue's limits need to change it. */
export const WORKFLOW_ROW = 'SELECT w.*, b.id AS batch_id, b.tenant AS tenant FROM workflows w JOIN batches b ON b.seq = w.batch_seq';

/** A workflow loaded from its row, in the shape the state machine and the runner use. */
export type Loaded = ClaimedWorkflow & { stage: StageName | null; cancelRequested: boolean };

const NO_OPTIONS: BatchOptions = { maxConcurrency: null, retry: null, timeouts: null, simulation: null };

export function load(row: FullRow, options: BatchOptions | null = null): Loaded {
  return {
    id: row.id, seq: row.seq, batchSeq: row.batch_seq, batchId: row.batch_id,
    clientId: JSON.parse(row.client_id) as ClaimedWorkflow['clientId'], priority: row.priority, status: row.status,
    stage: row.stage ?? null, stages: stagesOf(row),
    // The output is parsed only where a runner needs it (claims.ts).
    output: null,
    attempts: row.attempts, queuedAt: row.queued_at, startedAt: row.started_at, finishedAt: row.finished_at ?? null,
    options: options ?? NO_OPTIONS, leaseOwner: row.lease_owner, leaseEpoch: row.lease_epoch,
    cancelRequested: row.cancel_requested === 1,
  };
}

/** One keyset page: `limit + 1` rows were read, so a row beyond the page means there is more. */
export function page<R extends { id: string }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: more && last ? encodeCursor(last.id) : null };
}
