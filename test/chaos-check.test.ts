/**
 * The checks behind `npm run chaos` (scripts/chaos-check.ts), on hand-made histories: a clean one
 * passes, and each kind of broken one is caught.
 */
import { describe, expect, it } from 'vitest';
import {
  attemptKey, checkChaos, failedChecks, type BatchCounters, type CheckInput, type ProcessLife, type WireEvent, type WorkflowRow,
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

  it('catches an attempt that ended again after it was interrupted: a write the fence should have refused', () => {
    const input = clean();
    input.events = [
      ...history('w-a', [['fetch', 1, 10, 50, 'interrupted'], ['fetch', 2, 60, 110], ['process', 1, 110, 200], ['store', 1, 200, 300]]),
      ev('stage.succeeded', 120, { workflowId: 'w-a', stage: 'fetch', attempt: 1 }),
      ...cleanRun('w-b', 20),
    ];
    const { findings } = checkChaos(input);
    expect(findings.fencing).toEqual([{
      workflowId: 'w-a', stage: 'fetch',
      detail: `attempt 1 ended again after it was interrupted: stage.interrupted at ${at(50)}, stage.succeeded at ${at(120)}`,
    }]);
    expect(findings.overlaps).toEqual([]);
  });

  it('catches a stage started and never ended in a finished workflow', () => {
    const input = clean();
    input.events.push(ev('stage.started', 350, { workflowId: 'w-b', stage: 'store', attempt: 2 }));
    expect(checkChaos(input).findings.overlaps.map((f) => f.detail)).toEqual([
      `attempt 2: stage.started at ${at(350)} without an end, in a finished workflow`,
    ]);
  });

  describe('several processes on one store (shared)', () => {
    /**
     * pid 1 ran w-a's fetch (attempt 1, from 10 ms); pid 2 marked it interrupted at 300 ms and ran
     * attempt 2 from 320 ms; pid 1's write for it was refused at 450 ms. pid 1 is stopped over
     * `stops`; w-b ran cleanly on pid 2.
     */
    function shared(stops: Array<{ from: number; to: number }>, owner1Died: number | null = null): CheckInput {
      const input = clean();
      input.processes = [
        { pid: 1, startedAt: T0 - 1000, diedAt: owner1Died === null ? null : T0 + owner1Died, stops: stops.map((x) => ({ from: T0 + x.from, to: T0 + x.to })) },
        { pid: 2, startedAt: T0 - 1000, diedAt: null, stops: [] },
      ];
      input.events = [
        ...history('w-a', [['fetch', 1, 10, 300, 'interrupted'], ['fetch', 2, 320, 400], ['process', 1, 400, 500], ['store', 1, 500, 600]]),
        ...cleanRun('w-b', 20),
      ];
      const starters = new Map<string, number>();
      for (const e of input.events) if (e.type === 'stage.started') starters.set(attemptKey(e.workflowId!, e.stage!, e.attempt!), 2);
      starters.set(attemptKey('w-a', 'fetch', 1), 1);
      input.shared = { leaseMs: 100, starters, interrupts: [{ pid: 2, workflowId: 'w-a', stage: 'fetch', at: T0 + 302 }] };
      input.refusedWrites = [{ pid: 1, workflowId: 'w-a', at: T0 + 450 }];
      input.workflows[0]!.stages = input.workflows[0]!.stages.map((st) => ({ ...st, finishedAt: at(600) }));
      input.workflows[0]!.result = { clientId: 'a', storedAt: at(550) };
      return input;
    }

    it('a run taken over from a stopped process is allowed: it ended when taken, and its later write was refused', () => {
      const { findings, stats } = checkChaos(shared([{ from: 100, to: 400 }]));
      expect(failedChecks(findings)).toBe(0);
      expect(stats).toMatchObject({ takeovers: 1, fromDead: 0, selfInterrupts: 0, interrupted: 1 });
      expect(stats.stops).toEqual([{ pid: 1, from: T0 + 100, to: T0 + 400, inFlight: 1, takenOver: 1, refused: 1 }]);
    });

    it('a stop ended within the lease before the interrupt still explains it; one longer ago does not', () => {
      // Stopped 100–250 ms, lease 100 ms: at 300 ms it may not have renewed since it continued.
      expect(failedChecks(checkChaos(shared([{ from: 100, to: 250 }])).findings)).toBe(0);
      // Stopped 100–150 ms: it ran again from 150 ms, renewing every third of the lease.
      const { findings } = checkChaos(shared([{ from: 100, to: 150 }]));
      expect(findings.takenLive.map((f) => [f.workflowId, f.stage])).toEqual([['w-a', 'fetch']]);
    });

    it('catches a run taken from a process neither dead nor stopped, and the overlap it made', () => {
      const { findings, stats } = checkChaos(shared([]));
      expect(findings.takenLive).toEqual([{
        workflowId: 'w-a', stage: 'fetch',
        detail: `attempt 1: stage.interrupted at ${at(300)} by pid 2 while pid 1 ran it, neither dead nor stopped; `
          + `that run went on until its write was refused at ${at(450)}`,
      }]);
      expect(findings.overlaps.map((f) => [f.workflowId, f.stage])).toEqual([['w-a', 'fetch']]);
      expect(stats.takeovers).toBe(0);
    });

    it('an interrupt of a dead process\'s run, or one a process wrote for its own run, is allowed', () => {
      const dead = checkChaos(shared([], 200));
      expect(failedChecks(dead.findings)).toBe(0);
      expect(dead.stats).toMatchObject({ fromDead: 1, takeovers: 0 });
      const own = shared([]);
      own.shared!.interrupts = [{ pid: 1, workflowId: 'w-a', stage: 'fetch', at: T0 + 301 }];
      own.refusedWrites = [];
      const self = checkChaos(own);
      expect(failedChecks(self.findings)).toBe(0);
      expect(self.stats.selfInterrupts).toBe(1);
    });

    it('an attempt no process reported is from a process that died, or else taken from a live one', () => {
      const lostLine = shared([], 200);
      (lostLine.shared!.starters as Map<string, number>).delete(attemptKey('w-a', 'fetch', 1));
      expect(checkChaos(lostLine).stats.fromDead).toBe(1);
      expect(failedChecks(checkChaos(lostLine).findings)).toBe(0);
      const nobody = shared([]);
      (nobody.shared!.starters as Map<string, number>).delete(attemptKey('w-a', 'fetch', 1));
      expect(checkChaos(nobody).findings.takenLive.map((f) => f.detail)).toEqual([
        `attempt 1: stage.interrupted at ${at(300)}; no process reported its start and none alive then had died since`,
      ]);
    });

    it('catches a stop whose work in flight nobody took over', () => {
      // pid 1 stopped 100–400 ms with w-a's fetch in flight, which it then finished itself.
      const input = shared([{ from: 100, to: 400 }]);
      input.events = [
        ...history('w-a', [['fetch', 1, 10, 410], ['process', 1, 410, 500], ['store', 1, 500, 600]]),
        ...cleanRun('w-b', 20),
      ];
      input.shared!.interrupts = [];
      input.refusedWrites = [];
      const { findings, stats } = checkChaos(input);
      expect(findings.stalls).toEqual([{
        detail: `pid 1 stopped ${at(100)} – ${at(400)} with 1 attempt(s) in flight; no other process took any over. `
          + `They ended: workflow w-a fetch attempt 1: stage.succeeded at ${at(410)}`,
      }]);
      expect(stats.stops[0]).toMatchObject({ inFlight: 1, takenOver: 0 });
    });
  });

  describe('the store\'s own tables', () => {
    const tables = (input: CheckInput): NonNullable<CheckInput['store']> => ({
      batch: { ...input.batch, finishedRuns: 6 },
      workflows: input.workflows.map((w) => ({ status: w.status, stages: w.stages })),
      eventSeq: input.events.length,
      eventIds: input.events.map((_, i) => i + 1),
    });
    /** The clean history, numbered 1, 2, 3 … as a replay from the store sends it. */
    const numbered = (): CheckInput => {
      const input = clean();
      input.events = input.events.map((e, i) => ({ ...e, id: i + 1 }));
      return input;
    };

    it('a log numbered 1…N, replayed whole, with counters that equal the rows, passes', () => {
      const input = numbered();
      input.store = tables(input);
      expect(failedChecks(checkChaos(input).findings)).toBe(0);
    });

    it('catches ids out of place in the store and a replay that differs from it', () => {
      const input = numbered();
      input.store = tables(input);
      const n = input.events.length;
      // Id 4 missing from the store (ids 1-3, 5 … n+1), and the replay lost its last event.
      input.store.eventIds = input.store.eventIds.map((id) => (id >= 4 ? id + 1 : id));
      input.store.eventSeq = n + 1;
      input.events.pop();
      expect(checkChaos(input).findings.eventLog.map((f) => f.detail)).toEqual([
        `the store holds ${n} event rows for event_seq ${n + 1}; ${n - 3} out of place, the first id 5 at position 4`,
        `the replay sent ${n - 1} events, the store holds ${n}; they differ first at position 4 (replay id 4, store id 5)`,
      ]);
    });

    it('catches a batch row whose counters differ from its workflow rows', () => {
      const input = numbered();
      input.store = tables(input);
      input.store.batch = { ...input.store.batch, progress: { ...input.store.batch.progress, running: 1 }, finishedRuns: 5 };
      expect(checkChaos(input).findings.counters.map((f) => f.detail)).toEqual([
        'store: progress.running is 1, the rows say 0',
        'store: finished_runs is 5, the rows say 6',
      ]);
    });
  });
});
