/**
 * The one list of stages and statuses. Everything else (TypeBox unions, TypeScript types, the
 * database CHECK constraints) is derived from these arrays.
 *
 * Workflow state machine:
 *
 *   queued ──first stage starts──▶ running ──last stage succeeds──────────▶ succeeded
 *     │                              │ ├──a stage fails, no attempt left──▶ failed ───┐
 *     │                              │ └──canceled (running stage aborted)▶ canceled ─┤
 *     └──canceled────────────────────┴────────────────────────────────────▶ canceled  │
 *     ▲                                                                               │
 *     └──────────────────────── retry (resumes at the stage that failed) ◀────────────┘
 *
 *   A workflow that is claimed but has not started a stage is still `queued`. A `running`
 *   workflow may be between stages: waiting out a retry backoff, or stopped by a shutdown or a
 *   crash; it resumes at its first stage not yet succeeded.
 *
 * Stage state machine, per workflow stage:
 *
 *   pending ──starts──▶ running ──▶ succeeded
 *      ▲                   ├──────▶ failed      (no attempt left, or a permanent error; later stages `skipped`)
 *      │                   ├──────▶ skipped     (canceled while running; later stages `skipped` too)
 *      └───────────────────┘                    (retryable failure with attempts left: pending until the
 *                                                backoff ends; or interrupted by shutdown/crash)
 *   A retried workflow's failed and skipped stages go back to `pending`.
 */
export const STAGES = ['fetch', 'process', 'store'] as const;
export type StageName = (typeof STAGES)[number];

export const WORKFLOW_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

/** A batch moves through the same statuses as its workflows. */
export const BATCH_STATUSES = WORKFLOW_STATUSES;
export type BatchStatus = WorkflowStatus;

export const STAGE_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'skipped'] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const FINISHED_WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['succeeded', 'failed', 'canceled'];

export function isFinished(status: WorkflowStatus): boolean {
  return FINISHED_WORKFLOW_STATUSES.includes(status);
}

export interface BatchCounters {
  queued: number;
  running: number;
  failed: number;
  canceled: number;
  started: boolean;
}

/**
 * Batch status from its counters: `queued` until a workflow starts, `running` until none is
 * queued or running, then `failed` if any failed, else `canceled` if any was canceled, else
 * `succeeded`.
 */
export function batchStatusOf(c: BatchCounters): BatchStatus {
  if (c.queued + c.running > 0) return c.started ? 'running' : 'queued';
  if (c.failed > 0) return 'failed';
  if (c.canceled > 0) return 'canceled';
  return 'succeeded';
}

/**
 * A batch's webhook delivery (engine/webhooks.ts): `pending` until the batch finishes and the
 * receiver answers 2xx (`delivered`), or until every attempt has failed (`failed`). A retried
 * batch that reopens goes back to `pending` and delivers again when it finishes again.
 */
export const WEBHOOK_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];
