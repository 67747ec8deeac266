/**
 * A runner's writes: a stage transition and a workflow's result, each fenced on the lease and
 * claim it holds. The state machine (transitions.ts) decides the workflow's new state and its
 * events; cancel wins over an attempt that would retry or was interrupted (cancel-wins.ts); a
 * stage that succeeds starts the next in the same write.
 */
import { STAGES, isFinished, type StageName } from '../../model/statuses.js';
import { underCancel } from '../cancel-wins.js';
import { LeaseLostError } from '../errors.js';
import type { LeaseFence, Transition } from '../store.js';
import { addDelta, applyTransition, transitionEvents } from '../transitions.js';
import { call, type Steps } from './steps.js';
import type { Unit } from './unit.js';

export function* record(unit: Unit, reported: Transition): Steps<void> {
  const wf = reported.workflow;
  notGivenUp(wf);
  const firstStart = wf.status === 'queued';
  // Only an attempt that would leave the workflow unfinished and unowned asks whether its cancel is pending.
  const asks = reported.kind === 'retrying' || reported.kind === 'interrupted';
  const transition = underCancel(reported, asks && (yield* call('leaseOf', wf.seq))?.cancelRequested === true);
  const { delta, row } = applyTransition(transition);
  let next: StageName | null = null;
  if (transition.kind === 'succeeded' && transition.next && !row.finished) {
    next = transition.next;
    addDelta(delta, applyTransition({ kind: 'started', workflow: wf, stage: next, at: transition.at }).delta);
  }
  // Only the stages it touched: a failure or cancel also skips the later ones.
  const stages = row.finished ? STAGES.slice(STAGES.indexOf(transition.stage)) : next ? [transition.stage, next] : [transition.stage];
  // The row first, fenced: a refusal writes nothing. The output and result follow in the same
  // transaction, which that write has fenced (its own fence would cost a read of the row again).
  const written = yield* call('writeWorkflow', wf, row, next ?? transition.stage, { stages, times: firstStart ? 'first start' : 'progress' });
  if (!written) yield* leaseLost(wf);
  if (transition.kind === 'succeeded' && transition.result) yield* call('saveResult', wf.seq, transition.result.data, transition.result.at);
  // A finished workflow's last output is nobody's input (a retry resumes only failed or canceled ones).
  if (transition.kind === 'succeeded' && !row.finished) yield* call('saveOutput', wf.seq, transition.output);
  for (const event of transitionEvents(transition, row, next)) unit.log(wf.batchSeq, event, wf.seq);
  unit.count(wf.batchSeq, wf.batchId, delta, transition.at);
}

/** Upserts the result, fenced like every workflow write; repeating it is harmless. */
export function* saveResult(fence: LeaseFence, result: Record<string, unknown>, at: number): Steps<void> {
  notGivenUp(fence);
  const lease = yield* call('leaseOf', fence.seq);
  if (lease?.leaseOwner !== fence.leaseOwner || lease.leaseEpoch !== fence.leaseEpoch) yield* leaseLost(fence);
  yield* call('saveResult', fence.seq, result, at);
}

/**
 * A runner writes only under its lease; one it gave up (finished, retrying, interrupted) is not
 * its own any more. Its claim then names no owner, as the freed row does: a fence comparing the
 * two would let the write through, so it is refused here, before any backend sees it.
 */
function notGivenUp(fence: LeaseFence): void {
  if (fence.leaseOwner === null) throw new LeaseLostError(`workflow ${fence.id} is not leased by its runner`);
}

/** A fenced write changed nothing: says whether that is a cancel's normal end or a lost lease. */
export function* leaseLost(fence: LeaseFence): Steps<never> {
  const lease = yield* call('leaseOf', fence.seq);
  // Expected only when the workflow finished meanwhile (canceled): a lease freed under a live stage is not.
  const expected = !lease || isFinished(lease.status);
  throw new LeaseLostError(`lease on workflow ${fence.id} is no longer held by ${String(fence.leaseOwner)}`, expected);
}
