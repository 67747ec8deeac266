/**
 * Typed engine events. They are emitted after the change they describe is committed, so a
 * listener (logs today; SSE, metrics and webhooks later) never reports what the store might lose.
 */
import { EventEmitter } from 'node:events';
import type { BatchStatus, StageName, WorkflowStatus } from '../model/statuses.js';
import type { ClientId, ErrorInfo } from '../model/types.js';

interface WorkflowRef {
  batchId: string;
  workflowId: string;
  clientId: ClientId;
}

export type EngineEvent =
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

export type EngineEventType = EngineEvent['type'];

export class EngineEvents {
  readonly #emitter = new EventEmitter();

  constructor() {
    // Many listeners (one per SSE stream later) are expected, not a leak.
    this.#emitter.setMaxListeners(0);
  }

  emit(event: EngineEvent): void {
    this.#emitter.emit('event', event);
  }

  /** Subscribes to every event; returns the function that unsubscribes. */
  on(listener: (event: EngineEvent) => void): () => void {
    this.#emitter.on('event', listener);
    return () => this.#emitter.off('event', listener);
  }
}
