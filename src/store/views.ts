/** Batch and workflow rows (the same columns in every backend) → the API's Batch and Workflow shapes. Pure: no queries here. */
import { STAGES, type BatchStatus, type StageName, type WebhookStatus, type WorkflowStatus } from '../model/statuses.js';
import { iso, percent, speedup, summary, round } from '../model/stats.js';
import type { Batch, BatchOptions, ClientId, WebhookState, Workflow } from '../model/types.js';
import { stagesOf, type StageColumns } from './rows.js';

export interface BatchRow {
  seq: number;
  id: string;
  tenant: string;
  status: BatchStatus;
  label: string | null;
  priority: number;
  options: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  total: number;
  queued: number;
  running: number;
  succeeded: number;
  failed: number;
  canceled: number;
  finished_runs: number;
  wait_count: number;
  wait_sum: number;
  wait_max: number | null;
  wf_count: number;
  wf_sum: number;
  wf_max: number | null;
  p95s: string | null;
  webhook_url: string | null;
  webhook_status: WebhookStatus | null;
  webhook_attempts: number;
  webhook_last_error: string | null;
  webhook_delivered_at: number | null;
  [stageColumn: string]: unknown;
}

/** Nearest-rank p95 of each distribution the batch view reports. */
export type P95s = Record<StageName | 'wait' | 'workflow', number | null>;

export function batchView(row: BatchRow, p95: P95s, now: number): Batch {
  const elapsedMs = (row.finished_at ?? now) - row.created_at;
  const stages = Object.fromEntries(STAGES.map((s) => {
    const succeeded = row[`${s}_succeeded`] as number;
    const sum = row[`${s}_ms_sum`] as number;
    return [s, {
      succeeded,
      failed: row[`${s}_failed`] as number,
      running: row[`${s}_running`] as number,
      avgMs: succeeded > 0 ? round(sum / succeeded) : null,
      p95Ms: succeeded > 0 ? p95[s] : null,
      maxMs: (row[`${s}_ms_max`] as number | null) ?? null,
    }];
  })) as Batch['stages'];
  return {
    id: row.id,
    tenant: row.tenant,
    status: row.status,
    label: row.label,
    priority: row.priority,
    options: JSON.parse(row.options) as BatchOptions,
    createdAt: iso(row.created_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    progress: {
      total: row.total,
      queued: row.queued,
      running: row.running,
      succeeded: row.succeeded,
      failed: row.failed,
      canceled: row.canceled,
      percent: percent(row.finished_runs, row.total, STAGES.length),
    },
    stages,
    timings: {
      elapsedMs,
      queueWaitMs: summary(row.wait_count, row.wait_sum, row.wait_max, p95.wait),
      workflowMs: summary(row.wf_count, row.wf_sum, row.wf_max, p95.workflow),
      sequentialMs: row.wf_sum,
      speedup: row.wf_count > 0 ? speedup(row.wf_sum, elapsedMs) : null,
    },
    webhook: webhookView(row),
  };
}

function webhookView(row: BatchRow): WebhookState | null {
  if (row.webhook_url === null) return null;
  return {
    url: shownCallbackUrl(row.webhook_url),
    status: row.webhook_status ?? 'pending',
    attempts: row.webhook_attempts,
    lastError: row.webhook_last_error,
    deliveredAt: iso(row.webhook_delivered_at),
  };
}

/**
 * A callbackUrl as every reader of the batch (and the webhook body) shows it: scheme, host and
 * port, then `/…` when there is any path, query or fragment — where receivers put their tokens.
 * The store keeps the whole URL; only the deliverer uses it.
 */
export function shownCallbackUrl(raw: string): string {
  const url = URL.parse(raw);
  if (!url) return '…';
  return `${url.origin}/${url.pathname !== '/' || url.search !== '' || url.hash !== '' ? '…' : ''}`;
}

export interface WorkflowRow extends StageColumns {
  seq: number;
  id: string;
  batch_id: string;
  tenant: string;
  client_id: string;
  status: WorkflowStatus;
  stage: StageName | null;
  attempts: number;
  queued_at: number;
  started_at: number | null;
  finished_at: number | null;
  run_after: number | null;
  error: string | null;
  result: string | null;
}

export function workflowView(row: WorkflowRow): Workflow {
  return {
    id: row.id,
    batchId: row.batch_id,
    tenant: row.tenant,
    clientId: JSON.parse(row.client_id) as ClientId,
    status: row.status,
    stage: row.stage,
    attempts: row.attempts,
    queuedAt: iso(row.queued_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
    queueWaitMs: row.started_at === null ? null : row.started_at - row.queued_at,
    durationMs: row.started_at === null || row.finished_at === null ? null : row.finished_at - row.started_at,
    nextAttemptAt: row.status === 'running' ? iso(row.run_after) : null,
    stages: stagesOf(row).map((s) => ({
      name: s.name,
      status: s.status,
      attempts: s.attempts,
      startedAt: iso(s.startedAt),
      finishedAt: iso(s.finishedAt),
      durationMs: s.durationMs,
      error: s.error,
    })),
    result: row.result === null ? null : (JSON.parse(row.result) as Record<string, unknown>),
    error: row.error === null ? null : (JSON.parse(row.error) as Workflow['error']),
  };
}

/** Workflows by status (of one tenant): `workflowTotals()`. */
export type WorkflowTotals = Record<WorkflowStatus, number>;

/** Adds rows of per-tenant counts (live sums of active batches, folded totals of finished ones) into totals per tenant. */
export function sumByTenant(rows: Array<{ tenant: string } & Partial<Record<WorkflowStatus, number | string>>>): Record<string, WorkflowTotals> {
  const totals: Record<string, WorkflowTotals> = {};
  for (const row of rows) {
    const t = (totals[row.tenant] ??= { queued: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 });
    for (const status of ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const) t[status] += Number(row[status] ?? 0);
  }
  return totals;
}
