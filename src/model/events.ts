/**
 * What happened to batches and workflows, as events. The store writes each event in the same
 * transaction as the change it describes and numbers it (`id`, increasing in commit order), so
 * an event is never reported for a change the store might lose, and a reader who saw event N can
 * ask the store for everything after N (SSE resume) without gaps.
 */
import type { BatchStatus, StageName, WorkflowStatus } from './statuses.js';
import type { ClientId, ErrorInfo } from './types.js';

interface WorkflowRef {
  batchId: string;
  workflowId: string;
  clientId: ClientId;
}

/** An event before the store numbered it. `at` is epoch ms. */
export type NewEvent =
  | { type: 'batch.created'; at: number; batchId: string; total: number }
  | { type: 'batch.started'; at: number; batchId: string }
  | ({ type: 'stage.started'; at: number; stage: StageName; attempt: number } & WorkflowRef)
  | ({ type: 'stage.succeeded'; at: number; stage: StageName; attempt: number; durationMs: number } & WorkflowRef)
  | ({ type: 'stage.failed'; at: number; stage: StageName; attempt: number; durationMs: number; error: ErrorInfo } & WorkflowRef)
  | ({
    type: 'stage.retrying'; at: number; stage: StageName; attempt: number; durationMs: number; error: ErrorInfo;
    delayMs: number; nextAttemptAt: number;
  } & WorkflowRef)
  | ({ type: 'stage.canceled'; at: number; stage: StageName; attempt: number } & WorkflowRef)
  | ({ type: 'stage.interrupted'; at: number; stage: StageName; attempt: number } & WorkflowRef)
  | { type: 'batch.canceled'; at: number; batchId: string }
  | { type: 'batch.retried'; at: number; batchId: string; workflows: number }
  | ({ type: 'workflow.finished'; at: number; status: WorkflowStatus; durationMs: number } & WorkflowRef)
  | { type: 'batch.finished'; at: number; batchId: string; status: BatchStatus };

/** A committed event: `id` orders all events of the store. */
export type EngineEvent = NewEvent & { id: number };

export type EngineEventType = EngineEvent['type'];
