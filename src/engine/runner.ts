/**
 * The runner executes one claimed workflow: its stages in order from the first not yet
 * succeeded, each attempt with an AbortSignal (shutdown, cancel, timeout), each outcome persisted
 * before the next stage starts.
 *
 * - A retryable failure with attempts left records `retrying` and gives up the slot and the
 *   lease; the dispatcher claims the workflow again when its backoff is over.
 * - Cancel aborts the running stage (`canceled`), or stops the workflow between stages.
 * - Draining stops it between stages; the shutdown abort marks the running stage `interrupted`.
 *   Either way it resumes at that stage later.
 */
import type { Logger } from 'pino';
import { isFinished } from '../model/statuses.js';
import type { ErrorInfo } from '../model/types.js';
import { nextStage } from '../store/transitions.js';
import type { ClaimedWorkflow, Store, TransitionOutcome } from '../store/store.js';
import type { EngineEvents } from './events.js';
import { backoffMs, type RetryPolicy } from './retry-policy.js';
import { StageError, type StageHandlers } from './stages/stage.js';

export interface RunnerDeps {
  store: Store;
  handlers: StageHandlers;
  events: EngineEvents;
  log: Logger;
  now: () => number;
  /** True once the engine drains: finish the stage in flight, start no other. */
  draining: () => boolean;
  /** Fires when the drain's grace period is over: abort the stage in flight. */
  abort: AbortSignal;
  /** Server defaults; a batch's `retry` overrides them field by field. */
  retry: RetryPolicy;
  /** Default per-stage timeout; a batch's `timeouts` override it per stage. */
  stageTimeoutMs: number;
  /** Where the engine finds a running workflow's cancel switch. */
  cancels: Map<string, AbortController>;
  /** Ask the dispatcher to claim again at this time (a retry falls due). */
  wakeAt: (at: number) => void;
}

interface Failure {
  error: ErrorInfo;
  retryable: boolean;
}

export async function runWorkflow(wf: ClaimedWorkflow, deps: RunnerDeps): Promise<void> {
  const cancel = new AbortController();
  deps.cancels.set(wf.id, cancel);
  try {
    await runStages(wf, deps, cancel.signal);
  } finally {
    deps.cancels.delete(wf.id);
  }
}

async function runStages(wf: ClaimedWorkflow, deps: RunnerDeps, canceled: AbortSignal): Promise<void> {
  const { store, handlers, events, now } = deps;
  const ref = { batchId: wf.batchId, workflowId: wf.id, clientId: wf.clientId };
  for (let stage = nextStage(wf); stage && !deps.draining(); stage = nextStage(wf)) {
    if (isFinished(wf.status)) return;
    if (canceled.aborted) {
      // Between stages: nothing runs, so the store cancels it as it would a queued one.
      await store.cancelWorkflow(wf.id, now());
      return;
    }
    const name = stage.name;
    const startedAt = now();
    // Not awaited before the handler runs: the write joins the next group commit, and the
    // outcome below is queued after it, so the order on disk is still started → outcome.
    const started = store.record({ kind: 'started', workflow: wf, stage: name, at: startedAt });
    const attempt = stage.attempts + 1;
    void started.then((first) => {
      if (first.batchStarted) events.emit({ type: 'batch.started', at: startedAt, batchId: wf.batchId });
      events.emit({ type: 'stage.started', at: startedAt, stage: name, attempt, ...ref });
    }, () => undefined);

    const timeoutMs = wf.options.timeouts?.[`${name}Ms`] ?? deps.stageTimeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    let output: unknown;
    let failure: Failure | null = null;
    try {
      output = await handlers[name].run(wf.output, {
        signal: AbortSignal.any([deps.abort, canceled, timeout]),
        attempt, simulation: wf.options.simulation, log: deps.log, ...ref,
      });
    } catch (e) {
      failure = timeout.aborted && !deps.abort.aborted && !canceled.aborted
        ? { error: { code: 'TIMEOUT', message: `${name} exceeded its ${timeoutMs} ms timeout` }, retryable: true }
        : classify(e);
      if (failure.error.code === 'STAGE_ERROR') deps.log.error({ err: e, ...ref, stage: name }, 'stage threw an unexpected error');
    }
    await started;
    const at = now();
    let outcome: TransitionOutcome;
    if (deps.abort.aborted) {
      await store.record({ kind: 'interrupted', workflow: wf, stage: name, at });
      events.emit({ type: 'stage.interrupted', at, stage: name, attempt, ...ref });
      return;
    }
    if (canceled.aborted && failure) {
      outcome = await store.record({ kind: 'canceled', workflow: wf, stage: name, at });
      events.emit({ type: 'stage.canceled', at, stage: name, attempt, ...ref });
    } else if (failure) {
      const policy = { ...deps.retry, ...wf.options.retry };
      const delayMs = failure.retryable ? backoffMs(policy, attempt) : null;
      if (delayMs !== null) {
        const retryAt = at + delayMs;
        await store.record({ kind: 'retrying', workflow: wf, stage: name, at, error: failure.error, retryAt });
        events.emit({
          type: 'stage.retrying', at, stage: name, attempt, durationMs: stage.durationMs ?? 0,
          error: failure.error, delayMs, nextAttemptAt: retryAt, ...ref,
        });
        deps.wakeAt(retryAt);
        return;
      }
      outcome = await store.record({ kind: 'failed', workflow: wf, stage: name, at, error: failure.error });
      events.emit({ type: 'stage.failed', at, stage: name, attempt, durationMs: stage.durationMs ?? 0, error: failure.error, ...ref });
    } else {
      outcome = await store.record({ kind: 'succeeded', workflow: wf, stage: name, at, output });
      events.emit({ type: 'stage.succeeded', at, stage: name, attempt, durationMs: stage.durationMs ?? 0, ...ref });
    }
    if (outcome.workflowFinished) {
      events.emit({
        type: 'workflow.finished', at, status: outcome.workflowFinished, durationMs: at - (wf.startedAt ?? at), ...ref,
      });
    }
    if (outcome.batchFinished) {
      events.emit({ type: 'batch.finished', at, batchId: wf.batchId, status: outcome.batchFinished });
    }
  }
}

/** Only StageError messages reach users; anything else is logged and reported without internals. */
function classify(e: unknown): Failure {
  if (e instanceof StageError) return { error: { code: e.code, message: e.message }, retryable: e.retryable };
  if (e instanceof Error && e.name === 'AbortError') {
    return { error: { code: 'ABORTED', message: 'the stage was aborted' }, retryable: true };
  }
  // An unexpected exception is most often transient (a network blip); let the policy retry it.
  return { error: { code: 'STAGE_ERROR', message: 'the stage failed with an unexpected error (see the service log)' }, retryable: true };
}
