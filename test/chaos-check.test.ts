/**
 * The checks behind `npm run chaos` (scripts/chaos-check.ts), on hand-made histories: a clean one
 * passes, and each kind of broken one is caught.
 */
import { describe, expect, it } from 'vitest';
import {
  checkChaos, failedChecks, type BatchCounters, type CheckInput, type ProcessLife, type WireEvent, type WorkflowRow,
} from '../scripts/chaos-check.js';
import { STAGES } from '../src/model/statuses.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

let nextId = 1;
const ev = (type: string, ms: number, fields: Partial<WireEvent> = {}): WireEvent => ({ id: nextId++, type, at: at(ms), ...fields });

/**
 * One workflow's history: each attempt `[stage, attempt, startMs, endMs, outcome]` (succeeded
 * unless said), then its finish when the last one ends.
 */
function history(workflowId: string, attempts: Array<[string, number, number, number, ('succeeded' | 'interrupted')?]>): WireEvent[] {
  const events = attempts.flatMap(([stage, attempt, from, to, outcome = 'succeeded']) => [
    ev('stage.started', from, { workflowId, stage, attempt }),
    ev(`stage.${outcome}`, to, { workflowId, stage, attempt }),
  ]);
  events.push(ev('workflow.finished', attempts.at(-1)![3], { workflowId, status: 'succeeded' }));
  return events;
}

/** One workflow run cleanly: each stage one 100 ms attempt, from `startMs`. */
function cleanRun(workflowId: string, startMs: number): WireEvent[] {
  return history(workflowId, STAGES.map((stage, i) => [stage, 1, startMs + i * 100, startMs + (i + 1) * 100]));
}

function row(id: string, clientId: string, status = 'succeeded'): WorkflowRow {
  const done = status === 'succeeded';
  return {
    id, clientId, status,
    stages: STAGES.map((name) => ({ name, status: done ? 'succeeded' : 'pending', attempts: done ? 1 : 0, finishedAt: done ? at(300) : null })),
    result: done ? { clientId, storedAt: at(250) } : null,
  };
}

function counters(succeeded: number): BatchCounters {
  const stage = { succeeded, failed: 0, running: 0 };
  return {
    progress: { total: succeeded, queued: 0, running: 0, succeeded, failed: 0, canceled: 0 },
    stages: { fetch: { ...stage }, process: { ...stage }, store: { ...stage } },
  };
}

/** Two workflows that ran cleanly in one process that is still alive. */
function clean(): CheckInput {
  return {
    clientIds: ['a', 'b'],
    batch: counters(2),
    workflows: [row('w-a', 'a'), row('w-b', 'b')],
    events: [ev('batch.created', 0), ...cleanRun('w-a', 10), ...cleanRun('w-b', 20), ev('batch.finished', 400)],
    processes: [{ pid: 1, startedAt: T0 - 1000, diedAt: null }],
    resultRows: new Map([['w-a', 1], ['w-b', 1]]),
  };
}

describe('chaos checks', () => {
  it('a clean history has no findings and counts what happened', () => {
    const { findings, stats } = checkChaos(clean());
    expect(failedChecks(findings)).toBe(0);
    expect(stats).toMatchObject({ workflows: 2, succeeded: 2, stageAttempts: 6, retries: 0, interrupted: 0 });
  });

  it('a crash recovered at the next start is not an overlap: the attempt ended with its process', () => {
    const input = clean();
    const processes: ProcessLife[] = [{ pid: 1, startedAt: T0 - 1000, diedAt: T0 + 150 }, { pid: 2, startedAt: T0 + 160, diedAt: null }];
    // w-a's process stage was in flight at the SIGKILL; recovery in pid 2 interrupts it, attempt 2 runs.
    input.events = [
      ...history('w-a', [['fetch', 1, 10, 100], ['process', 1, 100, 200, 'interrupted'], ['process', 2, 210, 300], ['store', 1, 300, 400]]),
      ...cleanRun('w-b', 500),
    ];
    input.processes = processes;
    const { findings, stats } = checkChaos(input);
    expect(findings.overlaps).toEqual([]);
    expect(stats).toMatchObject({ interrupted: 1, liveInterrupts: 0 });
  });

  it('catches two attempts of a stage that ran at once', () => {
    const input = clean();
    // Attempt 1 of w-b's fetch runs 20→120 ms; attempt 2 starts at 60 ms, before it ended.
    input.events.push(
      ev('stage.started', 60, { workflowId: 'w-b', stage: 'fetch', attempt: 2 }),
      ev('stage.succeeded', 160, { workflowId: 'w-b', stage: 'fetch', attempt: 2 }),
    );
    const { findings } = checkChaos(input);
    expect(findings.overlaps).toHaveLength(1);
    expect(findings.overlaps[0]).toMatchObject({ workflowId: 'w-b', stage: 'fetch' });
    expect(findings.overlaps[0]!.detail).toContain('attempt 2 started at');
  });

  /**
   * pid 1 lives until 1000 ms. At 50 ms the store marks w-a's fetch (attempt 1, from 10 ms)
   * interrupted while pid 1 still runs it, and pid 1 starts attempt 2 at 60 ms.
   */
  function takenAway(refusedAtMs: number | null): CheckInput {
    const input = clean();
    input.processes = [{ pid: 1, startedAt: T0 - 1000, diedAt: T0 + 1000 }];
    input.events = [
      ...history('w-a', [['fetch', 1, 10, 50, 'interrupted'], ['fetch', 2, 60, 110], ['process', 1, 110, 200], ['store', 1, 200, 300]]),
      ...cleanRun('w-b', 20),
    ];
    // The first run's write, refused when it finished its stage; a refusal for another workflow
    // or in another process says nothing about this one.
    input.refusedWrites = [
      { pid: 2, workflowId: 'w-a', at: T0 + 55 },
      { pid: 1, workflowId: 'w-b', at: T0 + 55 },
      ...(refusedAtMs === null ? [] : [{ pid: 1, workflowId: 'w-a', at: T0 + refusedAtMs }]),
    ];
    return input;
  }

  it('catches a run taken from a live process that went on after the next attempt started', () => {
    const { findings, stats } = checkChaos(takenAway(90));
    expect(stats).toMatchObject({ liveInterrupts: 1, liveInterruptsByPid: { 1: 1 } });
    expect(findings.overlaps.map((f) => [f.workflowId, f.stage])).toEqual([['w-a', 'fetch']]);
    expect(findings.overlaps[0]!.detail).toBe(`attempt 2 started at ${at(60)} before attempt 1 (started ${at(10)}) had ended: `
      + `stage.interrupted at ${at(50)} while pid 1 still ran it; that run went on until its write was refused at ${at(90)}`);
    expect(findings.takenLive.map((f) => [f.workflowId, f.stage])).toEqual([['w-a', 'fetch']]);
  });

  it('a run taken from a live process that ended before the next attempt is a double run, not an overlap', () => {
    const { findings } = checkChaos(takenAway(55));
    expect(findings.overlaps).toEqual([]);
    expect(findings.takenLive).toHaveLength(1);
    expect(failedChecks(findings)).toBe(1);
  });

  it('an interrupt a live process wrote for its own stopped run is neither', () => {
    const { findings, stats } = checkChaos(takenAway(null));
    expect(stats.liveInterrupts).toBe(1);
    expect(failedChecks(findings)).toBe(0);
  });

  it('catches an attempt started twice and an end without a start', () => {
    const input = clean();
    input.events.push(
      ev('stage.started', 15, { workflowId: 'w-a', stage: 'fetch', attempt: 1 }),
      ev('stage.retrying', 900, { workflowId: 'w-b', stage: 'store', attempt: 7 }),
    );
    const details = checkChaos(input).findings.overlaps.map((f) => f.detail);
    expect(details).toContain(`attempt 1 started twice (${at(10)}, ${at(15)})`);
    expect(details).toContain('attempt 7: stage.retrying without stage.started');
  });

  it('catches a workflow that finished twice', () => {
    const input = clean();
    input.events.push(ev('workflow.finished', 450, { workflowId: 'w-b', status: 'succeeded' }));
    const { findings } = checkChaos(input);
    expect(findings.finishedTwice).toHaveLength(1);
    expect(findings.finishedTwice[0]).toMatchObject({ workflowId: 'w-b', clientId: 'b' });
    expect(failedChecks(findings)).toBe(1);
  });

  it('catches a finished row whose event says otherwise', () => {
    const input = clean();
    input.events = input.events.map((e) => (e.workflowId === 'w-a' && e.type === 'workflow.finished' ? { ...e, status: 'failed' } : e));
    expect(checkChaos(input).findings.finishedTwice[0]!.detail).toBe('workflow.finished says failed, the row succeeded');
  });

  it('catches lost workflows: one not finished, one missing from the listing', () => {
    const input = clean();
    input.clientIds = ['a', 'b', 'c'];
    input.workflows = [row('w-a', 'a'), row('w-b', 'b', 'running')];
    input.batch.progress = { ...input.batch.progress, total: 2, succeeded: 1, running: 1 };
    input.batch.stages = { fetch: { succeeded: 1, failed: 0, running: 0 }, process: { succeeded: 1, failed: 0, running: 0 }, store: { succeeded: 1, failed: 0, running: 0 } };
    const { findings } = checkChaos(input);
    expect(findings.lost).toEqual([
      { workflowId: 'w-b', clientId: 'b', detail: 'still running' },
      { clientId: 'c', detail: 'missing from the listing' },
      { detail: '2 workflows listed for 3 accepted client ids' },
    ]);
    expect(findings.counters).toEqual([]);
  });

  it('catches missing, duplicate and late results', () => {
    const input = clean();
    input.workflows[0]!.result = null;
    input.resultRows = new Map([['w-a', 0], ['w-b', 2]]);
    // w-b's result was stored after its store stage had succeeded: another run wrote it.
    input.workflows[1]!.result = { clientId: 'b', storedAt: at(900) };
    const details = checkChaos(input).findings.results.map((f) => `${f.workflowId}: ${f.detail}`);
    expect(details).toEqual([
      'w-a: succeeded without a result',
      'w-a: 0 result rows in the store',
      `w-b: result stored at ${at(900)}, after its store stage succeeded at ${at(300)}`,
      'w-b: 2 result rows in the store',
    ]);
  });

  it('catches counters that differ from the rows', () => {
    const input = clean();
    input.batch.progress.succeeded = 3;
    input.batch.stages.process.failed = 1;
    const { findings } = checkChaos(input);
    expect(findings.counters.map((f) => f.detail)).toEqual([
      'progress.succeeded is 3, the rows say 2',
      'stages.process.failed is 1, the rows say 0',
    ]);
  });
});
