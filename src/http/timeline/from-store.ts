/**
 * Builds the TimelineModel of a batch from the store: the batch, then its first `rows` workflows
 * (creation order) read page by page. A workflow that ran a stage more than once is drawn from its
 * event history, one run per attempt (failed, interrupted, canceled ones included); any other
 * from its stage state, one run per stage that started.
 */
import type { EngineEvent } from '../../model/events.js';
import type { WorkflowStatus } from '../../model/statuses.js';
import type { Workflow } from '../../model/types.js';
import type { Reads } from '../../store/store.js';
import type { RunOutcome, StageRun, TimelineModel, TimelineRow } from './model.js';

const PAGE = 1000;

type StageView = Workflow['stages'][number];

function outcomeOf(stage: StageView): RunOutcome | null {
  switch (stage.status) {
    case 'succeeded': return 'succeeded';
    case 'failed': return 'failed';
    case 'running': return 'running';
    // Canceled while running: the stage is skipped with error CANCELED and keeps its times.
    case 'skipped': return stage.startedAt !== null ? 'canceled' : null;
    // An attempt that failed with another due keeps its times and error while it waits.
    case 'pending': return stage.startedAt !== null && stage.finishedAt !== null ? 'retrying' : null;
  }
}

function runOf(stage: StageView): StageRun | null {
  const outcome = outcomeOf(stage);
  if (outcome === null || stage.startedAt === null) return null;
  return {
    stage: stage.name,
    startedAt: Date.parse(stage.startedAt),
    finishedAt: outcome === 'running' || stage.finishedAt === null ? null : Date.parse(stage.finishedAt),
    attempts: Math.max(1, stage.attempts),
    outcome,
    error: stage.error ? `${stage.error.code}: ${stage.error.message}` : null,
  };
}

const ENDS: Partial<Record<EngineEvent['type'], RunOutcome>> = {
  'stage.succeeded': 'succeeded', 'stage.failed': 'failed', 'stage.retrying': 'retrying',
  'stage.canceled': 'canceled', 'stage.interrupted': 'interrupted',
};

/** One run per attempt, from a workflow's events (oldest first); a run still open is running. */
function runsFromEvents(events: EngineEvent[]): StageRun[] {
  const runs: StageRun[] = [];
  const open = new Map<string, StageRun>();
  for (const e of events) {
    if (e.type === 'stage.started') {
      const run: StageRun = { stage: e.stage, startedAt: e.at, finishedAt: null, attempts: e.attempt, outcome: 'running', error: null };
      open.set(e.stage, run);
      runs.push(run);
      continue;
    }
    const outcome = ENDS[e.type];
    if (!outcome || !('stage' in e)) continue;
    const run = open.get(e.stage);
    if (!run) continue;
    open.delete(e.stage);
    run.finishedAt = e.at;
    run.outcome = outcome;
    if ('error' in e) run.error = `${e.error.code}: ${e.error.message}`;
  }
  return runs;
}

function rowOf(w: Workflow, history: EngineEvent[] | undefined): TimelineRow {
  const waitUntil = w.startedAt ?? w.finishedAt;
  const fromHistory = history && history.length > 0 ? runsFromEvents(history) : [];
  return {
    label: String(w.clientId),
    queuedAt: Date.parse(w.queuedAt),
    waitUntil: waitUntil === null ? null : Date.parse(waitUntil),
    runs: fromHistory.length > 0 ? fromHistory : w.stages.map(runOf).filter((r): r is StageRun => r !== null),
  };
}

/**
 * Null when the batch does not exist. With `status`, only the workflows that have it now are
 * drawn (the running ones of a large batch, which its first rows would not show).
 */
export async function timelineModel(
  store: Reads, batchId: string, rows: number, now: number, status?: WorkflowStatus,
): Promise<TimelineModel | null> {
  const batch = await store.getBatch(batchId, now);
  if (!batch) return null;
  const workflows: Workflow[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listWorkflows(batchId, { status, limit: Math.min(PAGE, rows - workflows.length), cursor });
    if (!page) return null;
    workflows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && workflows.length < rows);

  const origin = Date.parse(batch.createdAt);
  const open = batch.finishedAt === null;
  // Only workflows that ran a stage more than once need their history (one scan of the events).
  const retried = workflows.filter((w) => w.stages.some((st) => st.attempts > 1)).map((w) => w.id);
  const history = new Map<string, EngineEvent[]>();
  for (const e of await store.workflowEvents(batchId, retried)) {
    if (!('workflowId' in e)) continue;
    const list = history.get(e.workflowId) ?? [];
    list.push(e);
    history.set(e.workflowId, list);
  }
  const modelRows = workflows.map((w) => rowOf(w, history.get(w.id)));
  // While running, "now" is at least the latest time read (pages are read after `now` was taken).
  const latest = Math.max(now, ...modelRows.flatMap((r) => r.runs.map((run) => run.finishedAt ?? run.startedAt)));
  return {
    batchId: batch.id,
    label: batch.label,
    status: batch.status,
    elapsedMs: batch.timings.elapsedMs,
    sequentialMs: batch.timings.sequentialMs,
    speedup: batch.timings.speedup,
    origin,
    end: open ? latest : Date.parse(batch.finishedAt!),
    open,
    rows: modelRows,
    totalRows: batch.progress.total,
    ...(status === undefined ? {} : { filter: { status, count: batch.progress[status] } }),
  };
}
