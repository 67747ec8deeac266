/**
 * Builds the TimelineModel of a batch from the store: the batch, then its first `rows` workflows
 * (creation order) read page by page. Each stage becomes at most one run, its latest attempt;
 * a stage that never started, or whose start was undone (interrupted), has no time to draw.
 */
import type { Workflow } from '../../model/types.js';
import type { Store } from '../../store/store.js';
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

function rowOf(w: Workflow): TimelineRow {
  const waitUntil = w.startedAt ?? w.finishedAt;
  return {
    label: String(w.clientId),
    queuedAt: Date.parse(w.queuedAt),
    waitUntil: waitUntil === null ? null : Date.parse(waitUntil),
    runs: w.stages.map(runOf).filter((r): r is StageRun => r !== null),
  };
}

/** Null when the batch does not exist. */
export async function timelineModel(store: Store, batchId: string, rows: number, now: number): Promise<TimelineModel | null> {
  const batch = await store.getBatch(batchId, now);
  if (!batch) return null;
  const workflows: Workflow[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listWorkflows(batchId, { limit: Math.min(PAGE, rows - workflows.length), cursor });
    if (!page) return null;
    workflows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && workflows.length < rows);

  const origin = Date.parse(batch.createdAt);
  const open = batch.finishedAt === null;
  const modelRows = workflows.map(rowOf);
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
  };
}
