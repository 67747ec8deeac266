/**
 * What the timeline draws, as plain data: no store, no HTTP. Times are epoch milliseconds.
 * A stage may have several runs in a row (one per attempt, once per-attempt history is known);
 * built from today's stage state it has at most one, its latest attempt.
 */
import type { BatchStatus, StageName, WorkflowStatus } from '../../model/statuses.js';

/** How a stage run ended, or that it has not. */
export const RUN_OUTCOMES = ['succeeded', 'failed', 'retrying', 'canceled', 'interrupted', 'running', 'pending'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface StageRun {
  stage: StageName;
  startedAt: number;
  /** Null while it runs: drawn up to the model's `end` with an open end. */
  finishedAt: number | null;
  /** This stage's attempts up to and including this run (1 = first); > 1 means earlier ones failed. */
  attempts: number;
  outcome: RunOutcome;
  /** The error this run ended with, shown in its tooltip. */
  error?: string | null;
}

export interface TimelineRow {
  /** The client id as text. */
  label: string;
  queuedAt: number;
  /** When the queue wait ended (first stage start, or a cancel); null while still waiting. */
  waitUntil: number | null;
  runs: StageRun[];
}

export interface TimelineModel {
  batchId: string;
  label: string | null;
  status: BatchStatus;
  elapsedMs: number | null;
  sequentialMs: number | null;
  speedup: number | null;
  /** Left edge of the time axis: the batch's createdAt. */
  origin: number;
  /** Right edge: finishedAt, or now while the batch runs. */
  end: number;
  /** True while the batch is unfinished: the right edge is "now". */
  open: boolean;
  rows: TimelineRow[];
  /** How many workflows the batch has; more than `rows.length` when the chart is cut. */
  totalRows: number;
  /** Drawn are only the workflows with this status (?status=), `count` of them in the batch now. */
  filter?: { status: WorkflowStatus; count: number };
}
