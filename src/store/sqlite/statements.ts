/** Every SQL statement the SQLite store runs, prepared once at open. */
import type { Database as DB } from 'better-sqlite3';
import { STAGES, type StageName } from '../../model/statuses.js';

const WORKFLOW_SELECT = `
  SELECT w.seq, w.id, b.id AS batch_id, w.client_id, w.status, w.stage, w.attempts, w.queued_at,
         w.started_at, w.finished_at, w.stages, w.error, r.data AS result
  FROM workflows w JOIN batches b ON b.seq = w.batch_seq LEFT JOIN results r ON r.workflow_id = w.id`;

function perStage<T>(make: (stage: StageName) => T): Record<StageName, T> {
  return Object.fromEntries(STAGES.map((s) => [s, make(s)])) as Record<StageName, T>;
}

export type Statements = ReturnType<typeof prepare>;

export function prepare(db: DB) {
  return {
    ping: db.prepare('SELECT 1 AS ok'),
    insertBatch: db.prepare(`INSERT INTO batches (id, status, label, priority, simulation, created_at, total, queued)
      VALUES (@id, 'queued', @label, @priority, @simulation, @created_at, @total, @total)`),
    insertWorkflow: db.prepare(`INSERT INTO workflows (id, batch_seq, client_id, priority, status, queued_at)
      VALUES (?, ?, ?, ?, 'queued', ?)`),
    batchById: db.prepare('SELECT * FROM batches WHERE id = ?'),
    batchSeq: db.prepare('SELECT seq FROM batches WHERE id = ?'),
    batchBySeq: db.prepare('SELECT id, simulation FROM batches WHERE seq = ?'),
    batches: db.prepare('SELECT * FROM batches WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
    batchesByStatus: db.prepare('SELECT * FROM batches WHERE status = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    workflows: db.prepare(`${WORKFLOW_SELECT} WHERE w.batch_seq = ? AND w.seq > ? ORDER BY w.seq LIMIT ?`),
    workflowsByStatus: db.prepare(`${WORKFLOW_SELECT} WHERE w.batch_seq = ? AND w.status = ? AND w.seq > ? ORDER BY w.seq LIMIT ?`),
    workflowById: db.prepare(`${WORKFLOW_SELECT} WHERE w.id = ?`),
    claim: db.prepare(`UPDATE workflows SET lease_owner = @owner, lease_expires = @expires
      WHERE seq IN (SELECT seq FROM workflows WHERE lease_owner IS NULL AND status IN ('queued', 'running')
                    ORDER BY priority DESC, seq LIMIT @limit)
      RETURNING seq, id, batch_seq, client_id, priority, status, stages, output, attempts, queued_at, started_at`),
    renew: db.prepare(`UPDATE workflows SET lease_expires = ?
      WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?))`),
    release: db.prepare('UPDATE workflows SET lease_owner = NULL, lease_expires = NULL WHERE id = ?'),
    releaseOwner: db.prepare('UPDATE workflows SET lease_owner = NULL, lease_expires = NULL WHERE lease_owner = ?'),
    allLeases: db.prepare('SELECT * FROM workflows WHERE lease_owner IS NOT NULL'),
    expiredLeases: db.prepare('SELECT * FROM workflows WHERE lease_owner IS NOT NULL AND lease_expires < ?'),
    upsertResult: db.prepare(`INSERT INTO results (workflow_id, data, stored_at) VALUES (?, ?, ?)
      ON CONFLICT (workflow_id) DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at`),
    setBatchStatus: db.prepare('UPDATE batches SET status = ?, finished_at = ?, p95s = ? WHERE seq = ?'),
    updateWorkflow: perStage((s) => db.prepare(`UPDATE workflows SET
        status = @status, stage = @stage, attempts = @attempts, started_at = @started_at,
        finished_at = @finished_at, stages = @stages, output = COALESCE(@output, output), error = @error,
        ${s}_ms = COALESCE(@ms, ${s}_ms),
        lease_owner = CASE WHEN @release THEN NULL ELSE lease_owner END,
        lease_expires = CASE WHEN @release THEN NULL ELSE lease_expires END
      WHERE id = @id AND lease_owner IS @owner`)),
    updateBatch: perStage((s) => db.prepare(`UPDATE batches SET
        queued = queued - @first,
        running = running + @first - @fin,
        succeeded = succeeded + @fin_succeeded,
        failed = failed + @fin_failed,
        started_at = CASE WHEN @first THEN COALESCE(started_at, @at) ELSE started_at END,
        wait_count = wait_count + @first,
        wait_sum = wait_sum + @wait,
        wait_max = CASE WHEN @first THEN MAX(COALESCE(wait_max, @wait), @wait) ELSE wait_max END,
        wf_count = wf_count + @fin,
        wf_sum = wf_sum + @wf_ms,
        wf_max = CASE WHEN @fin THEN MAX(COALESCE(wf_max, @wf_ms), @wf_ms) ELSE wf_max END,
        finished_runs = finished_runs + @runs,
        ${s}_running = ${s}_running + @running,
        ${s}_succeeded = ${s}_succeeded + @succeeded,
        ${s}_failed = ${s}_failed + @failed,
        ${s}_ms_sum = ${s}_ms_sum + COALESCE(@ms, 0),
        ${s}_ms_max = CASE WHEN @ms IS NULL THEN ${s}_ms_max ELSE MAX(COALESCE(${s}_ms_max, @ms), @ms) END
      WHERE id = @id
      RETURNING seq, status, started_at, queued, running, failed, canceled, wait_count, wf_count,
                fetch_succeeded, process_succeeded, store_succeeded`)),
    waitAt: db.prepare(`SELECT started_at - queued_at AS v FROM workflows
      WHERE batch_seq = ? AND started_at IS NOT NULL ORDER BY v LIMIT 1 OFFSET ?`),
    workflowAt: db.prepare(`SELECT finished_at - started_at AS v FROM workflows
      WHERE batch_seq = ? AND finished_at IS NOT NULL AND started_at IS NOT NULL ORDER BY v LIMIT 1 OFFSET ?`),
    stageAt: perStage((s) => db.prepare(`SELECT ${s}_ms AS v FROM workflows
      WHERE batch_seq = ? AND ${s}_ms IS NOT NULL ORDER BY v LIMIT 1 OFFSET ?`)),
  };
}
