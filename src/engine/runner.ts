/**
 * The runner executes one claimed workflow: its stages in order from the first not yet
 * succeeded, each with an AbortSignal, each outcome persisted before the next stage starts.
 * It stops between stages when the engine drains, and marks a stage `interrupted` when the
 * engine aborts it; either way the workflow resumes at that stage in the next process.
 */
import type { Logger } from 'pino';
import { nextStage } from '../store/transitions.js';
import type { ClaimedWorkflow, Store, TransitionOutcome } from '../store/store.js';
import type { ErrorInfo } from '../model/types.js';
import type { EngineEvents } from './events.js';
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
}

export async function runWorkflow(wf: ClaimedWorkflow, deps: RunnerDeps): Promise<void> {
  const { store, handlers, events, now } = deps;
  const ref = { batchId: wf.batchId, workflowId: wf.id, clientId: wf.clientId };
  for (let stage = nextStage(wf); stage && !deps.draining(); stage = nextStage(wf)) {
    if (wf.status !== 'queued' && wf.status !== 'running') return;
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

    let output: unknown;
    let error: ErrorInfo | null = null;
    try {
      output = await handlers[name].run(wf.output, {
        signal: deps.abort, attempt, simulation: wf.simulation, log: deps.log, ...ref,
      });
    } catch (e) {
      error = toErrorInfo(e);
      if (error.code === 'STAGE_ERROR') deps.log.error({ err: e, ...ref, stage: name }, 'stage threw an unexpected error');
    }
    const outcome = await started.then(async (first): Promise<TransitionOutcome> => {
      const at = now();
      if (deps.abort.aborted) {
        await store.record({ kind: 'interrupted', workflow: wf, stage: name, at });
        events.emit({ type: 'stage.interrupted', at, stage: name, attempt, ...ref });
        return first;
      }
      const result = error
        ? await store.record({ kind: 'failed', workflow: wf, stage: name, at, error })
        : await store.record({ kind: 'succeeded', workflow: wf, stage: name, at, output });
      const durationMs = stage.durationMs ?? 0;
      if (error) events.emit({ type: 'stage.failed', at, stage: name, attempt, durationMs, error, ...ref });
      else events.emit({ type: 'stage.succeeded', at, stage: name, attempt, durationMs, ...ref });
      return result;
    });
    if (deps.abort.aborted) return;
    if (outcome.workflowFinished) {
      const at = now();
      events.emit({
        type: 'workflow.finished', at, status: outcome.workflowFinished,
        durationMs: at - (wf.startedAt ?? at), ...ref,
      });
    }
    if (outcome.batchFinished) {
      events.emit({ type: 'batch.finished', at: now(), batchId: wf.batchId, status: outcome.batchFinished });
    }
  }
}

/** Only StageError messages reach users; anything else is logged and reported without internals. */
function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof StageError) return { code: e.code, message: e.message };
  if (e instanceof Error && e.name === 'AbortError') return { code: 'ABORTED', message: 'the stage was aborted' };
  return { code: 'STAGE_ERROR', message: 'the stage failed with an unexpected error (see the service log)' };
}
