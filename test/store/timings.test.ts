/**
 * The duration samples a change carries (store/timings.ts, in the Delta of transitions.ts): what
 * each change adds or takes back, and how a group of changes nets out before a backend writes it.
 */
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../src/model/statuses.js';
import type { ClaimedWorkflow } from '../../src/store/store.js';
import { METRICS, METRIC, addSample, netCounts, type Samples } from '../../src/store/timings.js';
import { addDelta, applyCancel, applyRequeue, applyTransition, emptyDelta, initialStages, type Delta } from '../../src/store/transitions.js';

const workflow = (queuedAt: number): ClaimedWorkflow => ({
  id: 'w', seq: 1, batchSeq: 1, batchId: 'b', clientId: 1, priority: 0, status: 'queued', stages: initialStages(),
  output: null, attempts: 0, queuedAt, startedAt: null, finishedAt: null, options: {} as ClaimedWorkflow['options'],
  leaseOwner: 'e', leaseEpoch: 1,
});

/** The samples as readable `[metric, ms, n]` triples. */
const triples = (samples: Samples): Array<[string, number, number]> => {
  const out: Array<[string, number, number]> = [];
  for (let i = 0; i < samples.length; i += 3) out.push([METRICS[samples[i]!]!, samples[i + 1]!, samples[i + 2]!]);
  return out;
};

describe('metrics', () => {
  it('are numbered as the batch_timings migration stores them: wait, workflow, then the stages in order', () => {
    expect(METRICS).toEqual(['wait', 'workflow', ...STAGES]);
    expect(METRIC).toEqual({ wait: 0, workflow: 1, fetch: 2, process: 3, store: 4 });
  });
});

describe('netCounts', () => {
  it('sums the samples per (metric, ms) and leaves out the ones that cancel', () => {
    const samples: Samples = [];
    addSample(samples, 'wait', 5, 1);
    addSample(samples, 'fetch', 5, 1);
    addSample(samples, 'wait', 5, 1);
    addSample(samples, 'workflow', 30, 1);
    addSample(samples, 'workflow', 30, -1);
    addSample(samples, 'wait', 7, -1);
    expect(netCounts(samples)).toEqual([
      { metric: METRIC.wait, ms: 5, n: 2 },
      { metric: METRIC.wait, ms: 7, n: -1 },
      { metric: METRIC.fetch, ms: 5, n: 1 },
    ]);
    expect(netCounts([])).toEqual([]);
  });
});

describe('samples of a change', () => {
  it('add each duration the counters count: the wait at the first start, each succeeded stage, the run at the finish', () => {
    const wf = workflow(1_000);
    const total = emptyDelta();
    const step = (d: { delta: Delta }) => addDelta(total, d.delta);
    step(applyTransition({ kind: 'started', workflow: wf, stage: 'fetch', at: 1_040 }));
    step(applyTransition({ kind: 'succeeded', workflow: wf, stage: 'fetch', at: 1_050, output: {} }));
    step(applyTransition({ kind: 'started', workflow: wf, stage: 'process', at: 1_050 }));
    step(applyTransition({ kind: 'retrying', workflow: wf, stage: 'process', at: 1_060, error: { code: 'T', message: 't' }, retryAt: 1_070 }));
    step(applyTransition({ kind: 'started', workflow: wf, stage: 'process', at: 1_070 }));
    step(applyTransition({ kind: 'succeeded', workflow: wf, stage: 'process', at: 1_090, output: {} }));
    step(applyTransition({ kind: 'started', workflow: wf, stage: 'store', at: 1_090 }));
    step(applyTransition({ kind: 'succeeded', workflow: wf, stage: 'store', at: 1_091, output: {} }));
    expect(triples(total.samples)).toEqual([
      ['wait', 40, 1], ['fetch', 10, 1], ['process', 20, 1], ['store', 1, 1], ['workflow', 51, 1],
    ]);
    // The same values the counters hold.
    expect([total.wait.count, total.wait.sum, total.run.count, total.run.sum]).toEqual([1, 40, 1, 51]);
  });

  it('a requeue takes back the wait and the run it added, keeps the stages that succeeded, and asks for new maxima', () => {
    const wf = workflow(1_000);
    const added = emptyDelta();
    addDelta(added, applyTransition({ kind: 'started', workflow: wf, stage: 'fetch', at: 1_040 }).delta);
    addDelta(added, applyTransition({ kind: 'succeeded', workflow: wf, stage: 'fetch', at: 1_050, output: {} }).delta);
    addDelta(added, applyTransition({ kind: 'started', workflow: wf, stage: 'process', at: 1_050 }).delta);
    addDelta(added, applyTransition({ kind: 'failed', workflow: wf, stage: 'process', at: 1_065, error: { code: 'X', message: 'x' } }).delta);
    const { delta: requeued } = applyRequeue(wf, 2_000);
    expect(triples(requeued.samples)).toEqual([['wait', 40, -1], ['workflow', 25, -1]]);
    expect(requeued.recomputeMaxima).toBe(true);
    expect(netCounts(addDelta(added, requeued).samples)).toEqual([{ metric: METRIC.fetch, ms: 10, n: 1 }]);
  });

  it('a requeue takes back the wait clamped at 0, as the start added it (a clock that went back)', () => {
    const wf = workflow(1_000);
    const { delta: started } = applyTransition({ kind: 'started', workflow: wf, stage: 'fetch', at: 990 });
    applyCancel(wf, 995);
    const { delta: requeued } = applyRequeue(wf, 2_000);
    expect(triples(started.samples)).toEqual([['wait', 0, 1]]);
    expect(triples(requeued.samples)).toEqual([['wait', 0, -1], ['workflow', 5, -1]]);
    expect(started.wait.sum + requeued.wait.sum).toBe(0);
  });

  it('a workflow canceled before it started adds nothing, and its requeue takes nothing back', () => {
    const wf = workflow(1_000);
    expect(applyCancel(wf, 1_010).delta.samples).toEqual([]);
    expect(applyRequeue(wf, 1_020).delta.samples).toEqual([]);
  });
});
