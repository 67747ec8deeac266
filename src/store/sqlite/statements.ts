/** Every SQL statement the SQLite store runs, prepared once at open. */
import type { Database as DB } from 'better-sqlite3';
import { STAGES } from '../../model/statuses.js';

const WORKFLOW_SELECT = `
  SELECT w.seq, w.id, b.id AS batch_id, w.client_id, w.status, w.stage, w.attempts, w.queued_at,
         w.started_at, w.finished_at, w.run_after, w.stages, w.error, r.data AS result
  FROM workflows w JOIN batches b ON b.seq = w.batch_seq LEFT JOIN results r ON r.workflow_id = w.id`;

/** A full workflow row with its batch id: what the state machine needs to change it. */
const WORKFLOW_ROW = 'SELECT w.*, b.id AS batch_id FROM workflows w JOIN batches b ON b.seq = w.batch_seq';

const ACTIVE = `status IN ('queued', 'running')`;

export type Statements = ReturnType<typeof prepare>;

export function prepare(db: DB) {
  return {
    ping: db.prepare('SELECT 1 AS ok'),
    insertBatch: db.prepare(`INSERT INTO batches (id, status, label, priority, options, max_concurrency, created_at, total, queued)
      VALUES (@id, 'queued', @label, @priority, @options, @max_concurrency, @created_at, @total, @total)`),
    insertWorkflow: db.prepare(`INSERT INTO workflows (id, batch_seq, client_id, priority, status, queued_at)
      VALUES (?, ?, ?, ?, 'queued', ?)`),
    queuedTotal: db.prepare(`SELECT COALESCE(SUM(queued), 0) AS n FROM batches WHERE ${ACTIVE}`),
    batchById: db.prepare('SELECT * FROM batches WHERE id = ?'),
    batchSeq: db.prepare('SELECT seq FROM batches WHERE id = ?'),
    batchBySeq: db.prepare('SELECT id, options FROM batches WHERE seq = ?'),
    batches: db.prepare('SELECT * FROM batches WHERE seq < ? ORDER BY seq DESC LIMIT ?'),
    batchesByStatus: db.prepare('SELECT * FROM batches WHERE status = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
    workflows: db.prepare(`${WORKFLOW_SELECT} WHERE w.batch_seq = ? AND w.seq > ? ORDER BY w.seq LIMIT ?`),
    workflowsByStatus: db.prepare(`${WORKFLOW_SELECT} WHERE w.batch_seq = ? AND w.status = ? AND w.seq > ? ORDER BY w.seq LIMIT ?`),
    workflowById: db.prepare(`${WORKFLOW_SELECT} WHERE w.id = ?`),
    workflowRow: db.prepare(`${WORKFLOW_ROW} WHERE w.id = ?`),
    unfinishedRows: db.prepare(`${WORKFLOW_ROW} WHERE w.batch_seq = ? AND w.${ACTIVE}`),
    retryableRows: db.prepare(`${WORKFLOW_ROW} WHERE w.batch_seq = ? AND w.status IN ('failed', ?)`),

    // Claiming: active batches by priority, then each batch's oldest runnable workflows.
    // Bounded: with more than this many batches waiting, the oldest of each priority are served first.
    activeBatches: db.prepare(`SELECT seq, priority, max_concurrency FROM batches
      WHERE ${ACTIVE} AND (queued > 0 OR running > 0) ORDER BY priority DESC, seq LIMIT 1000`),
    leasedInBatch: db.prepare('SELECT count(*) AS n FROM workflows WHERE batch_seq = ? AND lease_owner IS NOT NULL'),
    claimFromBatch: db.prepare(`UPDATE workflows SET lease_owner = @owner, lease_expires = @expires, lease_epoch = lease_epoch + 1
      WHERE seq IN (SELECT seq FROM workflows
                    WHERE batch_seq = @batch AND lease_owner IS NULL AND ${ACTIVE} AND cancel_requested = 0
                      AND (run_after IS NULL OR run_after <= @now)
                    ORDER BY seq LIMIT @limit)
      RETURNING seq, id, batch_seq, client_id, priority, status, stage, stages, output, attempts, queued_at, started_at, finished_at,
                lease_epoch`),
    renew: db.prepare(`UPDATE workflows SET lease_expires = ?
      WHERE lease_owner = ? AND id IN (SELECT value FROM json_each(?)) RETURNING id`),
    ownerLeases: db.prepare(`${WORKFLOW_ROW} WHERE w.lease_owner = ?`),
    ownerLeasesIn: db.prepare(`${WORKFLOW_ROW} WHERE w.lease_owner = ? AND w.id IN (SELECT value FROM json_each(?))`),
    /** Why a fenced write changed nothing: the row as it is now. */
    leaseState: db.prepare('SELECT status, lease_owner, lease_epoch FROM workflows WHERE seq = ?'),
    probe: db.prepare(`INSERT INTO store_probe (id, at, pad) VALUES (1, ?, zeroblob(8192))
      ON CONFLICT (id) DO UPDATE SET at = excluded.at, pad = excluded.pad`),
    release: db.prepare('UPDATE workflows SET lease_owner = NULL, lease_expires = NULL WHERE id = ?'),
    allLeases: db.prepare(`${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL`),
    expiredLeases: db.prepare(`${WORKFLOW_ROW} WHERE w.lease_owner IS NOT NULL AND w.lease_expires < ?`),
    markCancel: db.prepare('UPDATE workflows SET cancel_requested = 1 WHERE id = ?'),
    cancelRequested: db.prepare('SELECT cancel_requested FROM workflows WHERE seq = ?'),
    batchStartedAt: db.prepare('SELECT started_at FROM batches WHERE seq = ?'),

    insertEvent: db.prepare('INSERT INTO events (batch_seq, data) VALUES (?, ?)'),
    eventsAfter: db.prepare('SELECT id, data FROM events WHERE batch_seq = ? AND id > ? ORDER BY id LIMIT ?'),
    /** A scan of the batch's events (filtered in SQLite): the timeline asks for a few workflows at a time. */
    workflowEvents: db.prepare(`SELECT id, data FROM events WHERE batch_seq = ?
      AND json_extract(data, '$.workflowId') IN (SELECT value FROM json_each(?)) ORDER BY id`),

    /** Fenced like every workflow write: nothing is written unless the lease and claim still stand. */
    upsertResult: db.prepare(`INSERT INTO results (workflow_id, data, stored_at)
      SELECT @id, @data, @at WHERE EXISTS (SELECT 1 FROM workflows WHERE seq = @seq AND lease_owner = @owner AND lease_epoch = @epoch)
      ON CONFLICT (workflow_id) DO UPDATE SET data = excluded.data, stored_at = excluded.stored_at`),

    idempotencyKey: db.prepare('SELECT fingerprint, batch_id, expires_at FROM idempotency_keys WHERE key = ?'),
    putIdempotencyKey: db.prepare(`INSERT OR REPLACE INTO idempotency_keys (key, fingerprint, batch_id, expires_at)
      VALUES (?, ?, ?, ?)`),
    dropExpiredKeys: db.prepare('DELETE FROM idempotency_keys WHERE expires_at < ?'),

    /** Writes a workflow's whole mutable state, fenced on the lease it was read or claimed with. */
    writeWorkflow: db.prepare(`UPDATE workflows SET
        status = @status, stage = @stage, attempts = @attempts, queued_at = @queued_at,
        started_at = @started_at, finished_at = @finished_at, stages = @stages,
        output = COALESCE(@output, output), error = @error, run_after = @run_after,
        ${STAGES.map((s) => `${s}_ms = @${s}_ms`).join(', ')},
        cancel_requested = CASE WHEN @finished THEN 0 ELSE cancel_requested END,
        lease_owner = CASE WHEN @release THEN NULL ELSE lease_owner END,
        lease_expires = CASE WHEN @release THEN NULL ELSE lease_expires END
      WHERE seq = @seq AND lease_owner IS @owner AND lease_epoch = @epoch`),
    /** Applies a Delta (store/transitions.ts) to a batch's counters. */
    updateBatch: db.prepare(`UPDATE batches SET
        queued = queued + @queued, running = running + @running, succeeded = succeeded + @succeeded,
        failed = failed + @failed, canceled = canceled + @canceled,
        started_at = COALESCE(started_at, @started_at),
        wait_count = wait_count + @wait_count, wait_sum = wait_sum + @wait_sum,
        wait_max = CASE WHEN @wait_max IS NULL THEN wait_max ELSE MAX(COALESCE(wait_max, @wait_max), @wait_max) END,
        wf_count = wf_count + @run_count, wf_sum = wf_sum + @run_sum,
        wf_max = CASE WHEN @run_max IS NULL THEN wf_max ELSE MAX(COALESCE(wf_max, @run_max), @run_max) END,
        finished_runs = finished_runs + @runs,
        ${STAGES.map((s) => `
        ${s}_running = ${s}_running + @${s}_running,
        ${s}_succeeded = ${s}_succeeded + @${s}_succeeded,
        ${s}_failed = ${s}_failed + @${s}_failed,
        ${s}_ms_sum = ${s}_ms_sum + @${s}_ms_sum,
        ${s}_ms_max = CASE WHEN @${s}_ms_max IS NULL THEN ${s}_ms_max ELSE MAX(COALESCE(${s}_ms_max, @${s}_ms_max), @${s}_ms_max) END`).join(',')}
      WHERE id = @id
      RETURNING seq, status, started_at, finished_at, queued, running, failed, canceled, wait_count, wf_count,
                ${STAGES.map((s) => `${s}_succeeded`).join(', ')}`),
    recomputeMaxima: db.prepare(`UPDATE batches SET
        wait_max = (SELECT max(started_at - queued_at) FROM workflows WHERE batch_seq = @seq AND started_at IS NOT NULL),
        wf_max = (SELECT max(finished_at - started_at) FROM workflows
                  WHERE batch_seq = @seq AND finished_at IS NOT NULL AND started_at IS NOT NULL)
      WHERE seq = @seq`),
    setBatchStatus: db.prepare('UPDATE batches SET status = ?, finished_at = ?, p95s = ? WHERE seq = ?'),

    waitAt: db.prepare(`SELECT started_at - queued_at AS v FROM workflows
      WHERE batch_seq = ? AND started_at IS NOT NULL ORDER BY v LIMIT 1 OFFSET ?`),
    workflowAt: db.prepare(`SELECT finished_at - started_at AS v FROM workflows
      WHERE batch_seq = ? AND finished_at IS NOT NULL AND started_at IS NOT NULL ORDER BY v LIMIT 1 OFFSET ?`),
    stageAt: Object.fromEntries(STAGES.map((s) => [s, db.prepare(`SELECT ${s}_ms AS v FROM workflows
      WHERE batch_seq = ? AND ${s}_ms IS NOT NULL ORDER BY v LIMIT 1 OFFSET ?`)])) as Record<(typeof STAGES)[number], ReturnType<DB['prepare']>>,

    /** Workflows by status over every batch, from the counters: metrics read it at each scrape. */
    workflowTotals: db.prepare(`SELECT COALESCE(SUM(queued), 0) AS queued, COALESCE(SUM(running), 0) AS running,
      COALESCE(SUM(succeeded), 0) AS succeeded, COALESCE(SUM(failed), 0) AS failed, COALESCE(SUM(canceled), 0) AS canceled
      FROM batches`),

    // Webhooks (migration 2, engine/webhooks.ts).
    setWebhookUrl: db.prepare(`UPDATE batches SET webhook_url = ?, webhook_status = 'pending' WHERE seq = ?`),
    /** A batch finished (next_at = when) or reopened (next_at NULL): a fresh delivery, nothing tried yet. */
    armWebhook: db.prepare(`UPDATE batches SET webhook_status = 'pending', webhook_attempts = 0, webhook_last_error = NULL,
        webhook_delivered_at = NULL, webhook_next_at = @next_at, webhook_claim = NULL
      WHERE seq = @seq AND webhook_url IS NOT NULL`),
    /** Due deliveries whose last allowed attempt was interrupted (a crash mid-POST): no attempt is left. */
    failSpentWebhooks: db.prepare(`UPDATE batches SET webhook_status = 'failed', webhook_next_at = NULL, webhook_claim = NULL,
        webhook_last_error = 'interrupted before an answer'
      WHERE webhook_status = 'pending' AND webhook_next_at IS NOT NULL AND webhook_next_at <= @now AND webhook_attempts >= @max
      RETURNING id`),
    /** Leases due deliveries until @lease and counts their attempt now, as stage attempts count when they start. */
    claimWebhooks: db.prepare(`UPDATE batches SET webhook_attempts = webhook_attempts + 1, webhook_next_at = @lease, webhook_claim = @claim
      WHERE seq IN (SELECT seq FROM batches
                    WHERE webhook_status = 'pending' AND webhook_next_at IS NOT NULL AND webhook_next_at <= @now
                      AND webhook_attempts < @max
                    ORDER BY webhook_next_at LIMIT @limit)
      RETURNING id, webhook_url, webhook_attempts`),
    /** An attempt's outcome, written only while its claim stands (a retry of the batch resets it). */
    recordWebhook: db.prepare(`UPDATE batches SET webhook_status = @status, webhook_last_error = @error,
        webhook_delivered_at = @delivered_at, webhook_next_at = @next_at, webhook_claim = NULL
      WHERE id = @id AND webhook_claim = @claim`),
    nextWebhookAt: db.prepare(`SELECT min(webhook_next_at) AS at FROM batches
      WHERE webhook_status = 'pending' AND webhook_next_at IS NOT NULL`),
  };
}
