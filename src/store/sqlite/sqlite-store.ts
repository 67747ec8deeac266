/**
 * The embedded default store: one SQLite file in WAL mode through better-sqlite3. Batch creation
 * commits on its own; stage transitions, claims and results are group-committed (group-commit.ts).
 * One process owns the file: `recover()` treats every lease found at start as left by a dead one.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database, { type Database as DB, type Statement } from 'better-sqlite3';
import { STAGES, batchStatusOf, isFinished, type BatchStatus, type WorkflowStatus } from '../../model/statuses.js';
import { nearestRankIndex } from '../../model/stats.js';
import type { Batch, NewBatch, Page, Simulation, Workflow } from '../../model/types.js';
import { decodeCursor, encodeCursor } from '../cursor.js';
import {
  LeaseLostError, type ClaimedWorkflow, type ListQuery, type Store, type Transition, type TransitionOutcome,
} from '../store.js';
import { applyTransition, type Delta } from '../transitions.js';
import { GroupCommit } from './group-commit.js';
import { MIGRATIONS } from './migrations.js';
import { prepare, type Statements } from './statements.js';
import { batchView, parseStages, workflowView, type BatchRow, type P95s, type WorkflowRow } from './views.js';

export interface SqliteStoreOptions {
  /** File path, or ":memory:". */
  path: string;
  /** `full` fsyncs every commit; `normal` only at WAL checkpoints. @default "full" */
  sync?: 'full' | 'normal';
}

interface ClaimRow {
  seq: number; id: string; batch_seq: number; client_id: string; priority: number; status: WorkflowStatus;
  stages: string | null; output: string | null; attempts: number; queued_at: number; started_at: number | null;
}

export class SqliteStore implements Store {
  readonly #db: DB;
  readonly #group: GroupCommit;
  readonly #sql: Statements;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    this.#db = new Database(options.path);
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
    this.#db.pragma('busy_timeout = 5000');
    migrate(this.#db);
    this.#sql = prepare(this.#db);
    this.#group = new GroupCommit(this.#db);
  }

  async createBatch(input: NewBatch, now: number): Promise<Batch> {
    const id = randomUUID();
    const { insertBatch, insertWorkflow } = this.#sql;
    this.#db.transaction(() => {
      const { lastInsertRowid } = insertBatch.run({
        id, label: input.label, priority: input.priority, created_at: now, total: input.clientIds.length,
        simulation: input.simulation ? JSON.stringify(input.simulation) : null,
      });
      for (const clientId of input.clientIds) {
        insertWorkflow.run(randomUUID(), lastInsertRowid, JSON.stringify(clientId), input.priority, now);
      }
    })();
    const batch = await this.getBatch(id, now);
    if (!batch) throw new Error('batch vanished after insert');
    return batch;
  }

  async getBatch(id: string, now: number): Promise<Batch | null> {
    const row = this.#sql.batchById.get(id) as BatchRow | undefined;
    return row ? batchView(row, this.#p95s(row), now) : null;
  }

  async listBatches(query: ListQuery<BatchStatus>, now: number): Promise<Page<Batch>> {
    const before = query.cursor ? decodeCursor(query.cursor) : Number.MAX_SAFE_INTEGER;
    const rows = (query.status
      ? this.#sql.batchesByStatus.all(query.status, before, query.limit + 1)
      : this.#sql.batches.all(before, query.limit + 1)) as BatchRow[];
    return page(rows, query.limit, (row) => batchView(row, this.#p95s(row), now));
  }

  async listWorkflows(batchId: string, query: ListQuery<WorkflowStatus>): Promise<Page<Workflow> | null> {
    const batch = this.#sql.batchSeq.get(batchId) as { seq: number } | undefined;
    if (!batch) return null;
    const after = query.cursor ? decodeCursor(query.cursor) : 0;
    const rows = (query.status
      ? this.#sql.workflowsByStatus.all(batch.seq, query.status, after, query.limit + 1)
      : this.#sql.workflows.all(batch.seq, after, query.limit + 1)) as WorkflowRow[];
    return page(rows, query.limit, workflowView);
  }

  async getWorkflow(id: string): Promise<Workflow | null> {
    const row = this.#sql.workflowById.get(id) as WorkflowRow | undefined;
    return row ? workflowView(row) : null;
  }

  claim(owner: string, limit: number, now: number, leaseMs: number): Promise<ClaimedWorkflow[]> {
    return this.#group.run(() => {
      const rows = this.#sql.claim.all({ owner, expires: now + leaseMs, limit }) as ClaimRow[];
      // RETURNING gives no order: restore the claim order (priority, then age).
      rows.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      const batches = new Map<number, { id: string; simulation: Simulation | null }>();
      return rows.map((row): ClaimedWorkflow => {
        let batch = batches.get(row.batch_seq);
        if (!batch) {
          const b = this.#sql.batchBySeq.get(row.batch_seq) as { id: string; simulation: string | null };
          batch = { id: b.id, simulation: b.simulation ? (JSON.parse(b.simulation) as Simulation) : null };
          batches.set(row.batch_seq, batch);
        }
        return {
          id: row.id, batchId: batch.id, clientId: JSON.parse(row.client_id) as ClaimedWorkflow['clientId'],
          status: row.status, stages: parseStages(row.stages),
          output: row.output === null ? null : JSON.parse(row.output),
          attempts: row.attempts, queuedAt: row.queued_at, startedAt: row.started_at,
          simulation: batch.simulation, leaseOwner: owner,
        };
      });
    });
  }

  renewLeases(owner: string, ids: string[], now: number, leaseMs: number): Promise<number> {
    return this.#group.run(() => this.#sql.renew.run(now + leaseMs, owner, JSON.stringify(ids)).changes);
  }

  releaseLeases(owner: string): Promise<number> {
    return this.#group.run(() => this.#sql.releaseOwner.run(owner).changes);
  }

  releaseExpiredLeases(now: number): Promise<number> {
    return this.#group.run(() => this.#releaseLeases(this.#sql.expiredLeases.all(now) as ClaimRow[], now));
  }

  async recover(now: number): Promise<number> {
    this.#group.flush();
    return this.#db.transaction(() => this.#releaseLeases(this.#sql.allLeases.all() as ClaimRow[], now))();
  }

  record(transition: Transition): Promise<TransitionOutcome> {
    return this.#group.run(() => this.#apply(transition));
  }

  saveResult(workflowId: string, result: Record<string, unknown>, now: number): Promise<void> {
    return this.#group.run(() => {
      this.#sql.upsertResult.run(workflowId, JSON.stringify(result), now);
    });
  }

  ping(): boolean {
    if (this.#closed) return false;
    try {
      return this.#sql.ping.get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#group.flush();
    this.#db.close();
  }

  /** Frees the given leased rows; a stage they left `running` becomes `pending` again. */
  #releaseLeases(rows: ClaimRow[], now: number): number {
    for (const row of rows) {
      const batch = this.#sql.batchBySeq.get(row.batch_seq) as { id: string };
      const workflow: ClaimedWorkflow = {
        id: row.id, batchId: batch.id, clientId: JSON.parse(row.client_id) as ClaimedWorkflow['clientId'],
        status: row.status, stages: parseStages(row.stages), output: null, attempts: row.attempts,
        queuedAt: row.queued_at, startedAt: row.started_at, simulation: null,
        leaseOwner: (row as ClaimRow & { lease_owner: string }).lease_owner,
      };
      const running = workflow.stages.find((s) => s.status === 'running');
      if (running) this.#apply({ kind: 'interrupted', workflow, stage: running.name, at: now });
      else this.#sql.release.run(row.id);
    }
    return rows.length;
  }

  /** One transition's writes: the workflow row (fenced on the lease), then the batch counters. */
  #apply(t: Transition): TransitionOutcome {
    const wf = t.workflow;
    const delta = applyTransition(t);
    const stage = wf.stages.find((s) => s.name === t.stage);
    const { changes } = this.#sql.updateWorkflow[t.stage].run({
      id: wf.id, owner: wf.leaseOwner, status: wf.status, stage: t.stage, attempts: wf.attempts,
      started_at: wf.startedAt, finished_at: delta.finished ? t.at : null,
      stages: JSON.stringify(wf.stages),
      output: t.kind === 'succeeded' ? JSON.stringify(t.output ?? null) : null,
      error: delta.finished?.error ? JSON.stringify(delta.finished.error) : null,
      ms: stage?.status === 'succeeded' ? stage.durationMs : null,
      release: delta.release ? 1 : 0,
    });
    if (changes !== 1) throw new LeaseLostError(`lease on workflow ${wf.id} is no longer held by ${String(wf.leaseOwner)}`);
    if (delta.release) wf.leaseOwner = null;
    return this.#applyToBatch(wf.batchId, delta, t.at);
  }

  #applyToBatch(batchId: string, d: Delta, at: number): TransitionOutcome {
    const first = d.firstStartWaitMs !== null ? 1 : 0;
    const fin = d.finished;
    const row = this.#sql.updateBatch[d.stage].get({
      id: batchId, at, first, wait: d.firstStartWaitMs ?? 0,
      fin: fin ? 1 : 0, fin_succeeded: fin?.status === 'succeeded' ? 1 : 0, fin_failed: fin?.status === 'failed' ? 1 : 0,
      wf_ms: fin?.durationMs ?? 0, runs: d.finishedRuns, running: d.stageRunning,
      succeeded: d.stageSucceededMs !== null ? 1 : 0, failed: d.stageFailed ? 1 : 0, ms: d.stageSucceededMs,
    }) as BatchRow;
    const status = batchStatusOf({ ...row, started: row.started_at !== null });
    const outcome: TransitionOutcome = {
      workflowFinished: fin?.status ?? null, batchFinished: null, batchStarted: first === 1 && row.status === 'queued',
    };
    if (status !== row.status) {
      const finished = isFinished(status);
      const p95s = finished ? JSON.stringify(this.#p95s({ ...row, p95s: null })) : null;
      this.#sql.setBatchStatus.run(status, finished ? at : null, p95s, row.seq);
      if (finished) outcome.batchFinished = status;
    }
    return outcome;
  }

  /** The batch's p95s: frozen when it finished, else computed now with one indexed scan each. */
  #p95s(row: BatchRow): P95s {
    if (row.p95s) return JSON.parse(row.p95s) as P95s;
    const at = (query: Statement, count: number): number | null =>
      count === 0 ? null : ((query.get(row.seq, nearestRankIndex(count, 95)) as { v: number } | undefined)?.v ?? null);
    const p95s = { wait: at(this.#sql.waitAt, row.wait_count), workflow: at(this.#sql.workflowAt, row.wf_count) } as P95s;
    for (const s of STAGES) p95s[s] = at(this.#sql.stageAt[s], row[`${s}_succeeded`] as number);
    return p95s;
  }
}

function page<R extends { seq: number }, T>(rows: R[], limit: number, view: (row: R) => T): Page<T> {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: more && last ? encodeCursor(last.seq) : null };
}

function migrate(db: DB): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  MIGRATIONS.forEach((sql, i) => {
    const version = i + 1;
    if (version <= current) return;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version}`);
    })();
  });
}
