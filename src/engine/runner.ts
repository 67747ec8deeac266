/**
 * The runner executes one claimed workflow: its stages in order from the first not yet
 * succeeded, each attempt with an AbortSignal (shutdown, cancel, timeout), each outcome persisted
 * before the next stage starts.
 *
 * - A retryable failure with attempts left records `retrying` and gives up the slot and the
 *   lease; the dispatcher claims the workflow again when its backoff is over (at least the
 *   failure's `retryAfterMs`, up to RETRY_AFTER_MAX_MS). A failure with `retryAfterMs` in a batch
 *   with a flow key pauses the key for every replica until then (the CRM's quota is the key's),
 *   and that retry spends no attempt.
 * - Cancel aborts the running stage (`canceled`), or stops the workflow between stages.
 * - Draining stops it between stages; the shutdown abort marks the running stage `interrupted`.
 *   Either way it resumes at that stage later.
 *
 * The runner emits no events itself: the store writes them with each transition and the engine
 * publishes them once committed (model/events.ts).
 *
 * With tracing on (`spans`), a run is a `workflow` span and each attempt a `stage …` span ended
 * when its outcome is committed (telemetry/workflow-spans.ts); the attempt's log lines carry its
 * ids and its stage gets its `traceparent`. Off, none of that code runs.
 */
import type { Logger } from 'pino';
import { STAGES, isFinished } from '../model/statuses.js';
import type { ErrorInfo } from '../model/types.js';
import { nextStage } from '../store/transitions.js';
import { LeaseLostError, type ClaimedWorkflow, type KeptResult, type RunnerStore, type Transition } from '../store/store.js';
import type { WorkflowRun, WorkflowSpans } from '../telemetry/workflow-spans.js';
import { retryDelayMs, type RetryPolicy } from './retry-policy.js';
import { RunControl } from './run-control.js';
import type { StageSets } from './stages/sets.js';
import { StageError } from './stages/stage.js';

export interface RunnerDeps {
  store: RunnerStore;
  /** The handlers of each workflow's batch's stage set. */
  stages: StageSets;
  log: Logger;
  now: () => number;
  /** True once the engine drains: finish the stage in flight, start no other. */
  draining: () => boolean;
  /** Server defaults; a batch's `retry` overrides them field by field. */
  retry: RetryPolicy;
  /** The longest a `Retry-After` may delay the next attempt (RETRY_AFTER_MAX_MS). */
  retryAfterMaxMs: number;
  /** Default per-stage timeout; a batch's `timeouts` override it per stage. */
  stageTimeoutMs: number;
  /** Where the engine finds a running workflow's switches (cancel, shutdown). */
  controls: Map<string, RunControl>;
  /** Ask the dispatcher to claim again at this time (a retry falls due). */
  wakeAt: (at: number) => void;
  /** Makes the spans of each run and attempt; null: tracing is off. */
  spans: WorkflowSpans | null;
}

interface Failure {
  error: ErrorInfo;
  retryable: boolean;
  /** The least wait the failure asked for (a CRM's Retry-After), if any. */
  retryAfterMs?: number | null;
}

export async function runWorkflow(wf: ClaimedWorkflow, deps: RunnerDeps): Promise<void> {
  const control = new RunControl(wf.batchId);
  deps.controls.set(wf.id, control);
  const run = deps.spans?.run(wf) ?? null;
  if (run) control.trace = run.fields;
  try {
    await runStages(wf, deps, control, run);
    run?.end(wf.status);
  } catch (e) {
    run?.fail(e instanceof LeaseLostError ? 'lease-lost' : 'error');
    throw e;
  } finally {
    // A newer run of the same workflow may have registered its own switches since.
    if (deps.controls.get(wf.id) === control) deps.controls.delete(wf.id);
  }
}

async function runStages(wf: ClaimedWorkflow, deps: RunnerDeps, control: RunControl, run: WorkflowRun | null): Promise<void> {
  const { store, now } = deps;
  /** Writes an attempt's outcome; traced, its span ends with it once committed (untraced: no wrapper at all). */
  const record: (t: Exclude<Transition, { kind: 'started' }>) => Promise<void> = run === null ? (t) => store.record(t) : async (t) => {
    await store.record(t);
    run.settle(t.kind, 'error' in t ? t.error : null);
  };
  const handlers = deps.stages.of(wf.options);
  const ref = { batchId: wf.batchId, workflowId: wf.id, clientId: wf.clientId };
  /** The previous stage's success was written together with this stage's start. */
  let startedWithPrevious = false;
  for (let stage = nextStage(wf); stage && (startedWithPrevious || !deps.draining()); stage = nextStage(wf)) {
    if (isFinished(wf.status)) return;
    if (control.canceled && !startedWithPrevious) {
      // Between stages: nothing runs, so the store cancels it as it would a queued one.
      await store.cancelWorkflow(wf.id, now());
      return;
    }
    const name = stage.name;
    let started: Promise<unknown> = Promise.resolve();
    let attempt = stage.attempts;
    if (!startedWithPrevious) {
      attempt += 1;
      // Not awaited before the handler runs: the write joins the next group commit, and the
      // outcome below is queued after it, so the order on disk is still started → outcome.
      started = store.record({ kind: 'started', workflow: wf, stage: name, at: now() }).catch((error: unknown) => {
        // The start was refused (the workflow was canceled while it waited in the queue): stop the
        // handler now rather than when it finishes; `await started` below then ends this run.
        control.abandon();
        throw error;
      });
      // Handled by the await below; until then a rejection must not count as unhandled.
      started.catch(() => undefined);
    }
    startedWithPrevious = false;
    const span = run?.attempt(name, attempt) ?? null;
    const log = span ? deps.log.child(span.fields) : deps.log;

    const timeoutMs = wf.options.timeouts?.[`${name}Ms`] ?? deps.stageTimeoutMs;
    const signal = control.begin(timeoutMs);
    let output: unknown;
    let failure: Failure | null = null;
    let thrown: unknown;
    /** The workflow's result, if the handler handed it over: written with the attempt's success. */
    let result: KeptResult | null = null;
    const keepResult = (data: Record<string, unknown>, at: number): void => {
      result = { data, at };
    };
    try {
      output = await handlers[name].run(wf.output, {
        signal, attempt, simulation: wf.options.simulation, options: wf.options, log, lease: wf, traceparent: span?.traceparent ?? null, keepResult, ...ref,
      });
    } catch (e) {
      thrown = e;
    }
    const aborted = control.end();
    // The lease is gone (another claim holds the workflow, or a handler's own fenced write was
    // refused): nothing this attempt could write would stand. The run ends here.
    if (thrown instanceof LeaseLostError) throw thrown;
    if (aborted === 'lease-lost') {
      await started;
      throw new LeaseLostError(`workflow ${wf.id}: stopped ${name} after losing its lease`);
    }
    if (thrown !== undefined) {
      failure = aborted === 'timeout'
        ? { error: { code: 'TIMEOUT', message: `${name} exceeded its ${timeoutMs} ms timeout` }, retryable: true }
        : classify(thrown);
      if (failure.error.code === 'STAGE_ERROR') log.error({ err: thrown, ...ref, stage: name }, 'stage threw an unexpected error');
    }
    await started;
    const at = now();
    if (aborted === 'shutdown') {
      await record({ kind: 'interrupted', workflow: wf, stage: name, at });
      return;
    }
    if (failure && (aborted === 'cancel' || control.canceled)) {
      // Canceled while the attempt was failing anyway: the cancel wins, never a retry.
      await record({ kind: 'canceled', workflow: wf, stage: name, at });
    } else if (failure) {
      const pauseMs = failure.retryable && (failure.retryAfterMs ?? 0) > 0 && wf.options.flowKey
        ? Math.min(failure.retryAfterMs!, deps.retryAfterMaxMs) : null;
      if (pauseMs !== null && pauseMs > 0) {
        // The CRM asked every caller of this key to wait: the key pauses for every replica's
        // claims (its waiting work holds no lease), and this wait spends no attempt.
        const retryAt = at + pauseMs;
        await store.pauseFlowKey(wf.options.flowKey!, retryAt, at);
        await store.record({ kind: 'retrying', workflow: wf, stage: name, at, error: failure.error, retryAt, refund: true });
        deps.wakeAt(retryAt);
        return;
      }
      const policy = { ...deps.retry, ...wf.options.retry };
      const delayMs = failure.retryable ? retryDelayMs(policy, attempt, failure.retryAfterMs ?? null, deps.retryAfterMaxMs) : null;
      if (delayMs !== null) {
        const retryAt = at + delayMs;
        await record({ kind: 'retrying', workflow: wf, stage: name, at, error: failure.error, retryAt });
        deps.wakeAt(retryAt);
        return;
      }
      await record({ kind: 'failed', workflow: wf, stage: name, at, error: failure.error });
    } else {
      // The next stage starts in the same write that persists this one's output, and only once
      // that write has committed: one row write per stage boundary, durability unchanged.
      const following = STAGES[STAGES.indexOf(name) + 1];
      const next = following && !deps.draining() && !control.canceled ? following : undefined;
      await record({ kind: 'succeeded', workflow: wf, stage: name, at, output, next, result });
      startedWithPrevious = next !== undefined;
    }
  }
}

/** Only StageError messages reach users; anything else is logged and reported without internals. */
function classify(e: unknown): Failure {
  if (e instanceof StageError) return { error: { code: e.code, message: e.message }, retryable: e.retryable, retryAfterMs: e.retryAfterMs };
  if (e instanceof Error && e.name === 'AbortError') {
    return { error: { code: 'ABORTED', message: 'the stage was aborted' }, retryable: true };
  }
  // An unexpected exception is most often transient (a network blip); let the policy retry it.
  return { error: { code: 'STAGE_ERROR', message: 'the stage failed with an unexpected error (see the service log)' }, retryable: true };
}
