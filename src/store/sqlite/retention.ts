/**
 * Retention on SQLite: finished batches deleted a small transaction at a time, so a purge never
 * holds the write lock (or the event loop: better-sqlite3 is synchronous) for long, whatever the
 * size of the batches.
 *
 * A batch's row goes first, with its idempotency keys and duration histograms, and its key is
 * noted in `purged_batches`: from that commit on it reads as gone (every read starts from the
 * batch row, so its workflows and events are unreachable, and nothing can reopen it). That leaves
 * rows whose batch is gone for a while, so a purge's transaction runs without foreign key checks
 * (sqlite-store.ts); every other transaction keeps them. Its
 * workflows, results, outputs and events follow, at most `limit` workflows and
 * EVENTS_PER_WORKFLOW × `limit` events per transaction; the note goes with the last of them. A
 * crash in between leaves the note, and the next purge goes on from it.
 *
 * SQLite's keys here are rowids, which it hands out again once the largest is deleted: a new
 * batch would take a purged one's key while its workflows were still there, and a new event an id
 * a stream has already seen. So the batch with the largest key (its workflows hold the largest
 * workflow keys) and the batch of the newest event are never purged: the largest keys stay.
 */
import type { Database as DB, Statement } from 'better-sqlite3';
import type { Purged, PurgeScope } from '../store.js';
import type { FinishedViews } from '../view-cache.js';

/** Events deleted per transaction, per workflow of the budget: about what one workflow writes. */
export const EVENTS_PER_WORKFLOW = 10;

interface Candidate {
  seq: number;
  id: string;
  total: number;
}

export class Purges {
  readonly #views: FinishedViews;
  readonly #candidates: { in: Statement; notIn: Statement };
  readonly #dropBatch: Statement[];
  readonly #note: Statement;
  readonly #noted: Statement;
  readonly #unnote: Statement;
  readonly #dropWorkflows: Statement[];
  readonly #eventChunks: Statement;
  readonly #dropEvents: Statement;

  constructor(db: DB, views: FinishedViews) {
    this.#views = views;
    // Tenant by tenant, each one's oldest finish first (batches_finished: tenant, finished_at). Every
    // tenant with a finished batch has a row in tenant_totals (its finish added it), so the tenants
    // in scope are read from there, and a pass never walks the batches another tenant keeps longer.
    // CROSS JOIN keeps that order: tenants first. A webhook still to deliver keeps its batch.
    const candidates = (filter: 'IN' | 'NOT IN') => db.prepare(`SELECT b.seq, b.id, b.total
      FROM tenant_totals AS t CROSS JOIN batches AS b
      WHERE t.tenant ${filter} (SELECT value FROM json_each(@tenants))
        AND b.tenant = t.tenant AND b.finished_at < @before AND b.status IN ('succeeded', 'failed', 'canceled')
        AND (b.webhook_status IS NULL OR b.webhook_status <> 'pending')
        AND b.seq < (SELECT max(seq) FROM batches)
        AND b.seq IS NOT (SELECT batch_seq FROM event_chunks ORDER BY id DESC LIMIT 1)
      LIMIT +@limit`);
    this.#candidates = { in: candidates('IN'), notIn: candidates('NOT IN') };
    this.#dropBatch = [
      // Its workflows leave the tenant's totals of finished batches (reads.ts totals) with it.
      db.prepare(`UPDATE tenant_totals SET succeeded = tenant_totals.succeeded - b.succeeded, failed = tenant_totals.failed - b.failed,
          canceled = tenant_totals.canceled - b.canceled
        FROM (SELECT tenant, succeeded, failed, canceled FROM batches WHERE seq = @seq) AS b WHERE tenant_totals.tenant = b.tenant`),
      db.prepare('DELETE FROM idempotency_keys WHERE batch_id = @id'),
      db.prepare('DELETE FROM batch_timings WHERE batch_seq = @seq'),
      db.prepare('DELETE FROM batch_p95s WHERE batch_seq = @seq'),
      db.prepare('DELETE FROM batches WHERE seq = @seq'),
    ];
    this.#note = db.prepare('INSERT INTO purged_batches (batch_seq) VALUES (?)');
    this.#noted = db.prepare('SELECT batch_seq FROM purged_batches ORDER BY batch_seq LIMIT 100').pluck();
    this.#unnote = db.prepare('DELETE FROM purged_batches WHERE batch_seq = ?');
    // The same first `limit` workflows of the batch each time: results and outputs before the rows.
    const chunk = 'SELECT seq FROM workflows WHERE batch_seq = @seq ORDER BY seq LIMIT +@limit';
    this.#dropWorkflows = [
      db.prepare(`DELETE FROM results WHERE workflow_seq IN (${chunk})`),
      db.prepare(`DELETE FROM outputs WHERE workflow_seq IN (${chunk})`),
      db.prepare(`DELETE FROM workflows WHERE seq IN (${chunk})`),
    ];
    // Chunks of events (events.ts), oldest first, as many as hold at most `limit` events (one at least).
    this.#eventChunks = db.prepare('SELECT last_n, last_n - first_n + 1 AS events FROM event_chunks WHERE batch_seq = +? ORDER BY last_n');
    this.#dropEvents = db.prepare('DELETE FROM event_chunks WHERE batch_seq = +? AND last_n <= +?');
  }

  /** Inside a transaction: deletes the next batches due and the next rows of those deleted before. */
  purge(before: number, limit: number, scope: PurgeScope): Purged {
    const budget = Math.max(1, Math.floor(limit));
    const batches = this.#take(before, budget, scope);
    const { workflows, events } = this.#drain(budget);
    return { batches, workflows, events };
  }

  /** Deletes the rows of the oldest batches due, as many as hold `budget` workflows (one at least). */
  #take(before: number, budget: number, scope: PurgeScope): number {
    const [candidates, tenants] = 'tenants' in scope ? [this.#candidates.in, scope.tenants] : [this.#candidates.notIn, scope.exceptTenants];
    const due = candidates.all({ before, limit: Math.min(budget, 100), tenants: JSON.stringify(tenants) }) as Candidate[];
    let workflows = 0;
    let taken = 0;
    for (const batch of due) {
      if (taken > 0 && workflows + batch.total > budget) break;
      for (const statement of this.#dropBatch) statement.run({ seq: batch.seq, id: batch.id });
      this.#note.run(batch.seq);
      this.#views.forget(batch.id);
      workflows += batch.total;
      taken++;
    }
    return taken;
  }

  /** Deletes up to `budget` workflows of purged batches and their events; forgets a batch once none are left. */
  #drain(budget: number): { workflows: number; events: number } {
    let workflowsLeft = budget;
    let eventsLeft = budget * EVENTS_PER_WORKFLOW;
    let workflows = 0;
    let events = 0;
    for (const seq of this.#noted.all() as number[]) {
      if (workflowsLeft === 0 || eventsLeft <= 0) break;
      let dropped = 0;
      for (const statement of this.#dropWorkflows) dropped = statement.run({ seq, limit: workflowsLeft }).changes;
      const { events: droppedEvents, all } = this.#dropEventsOf(seq, eventsLeft);
      // Fewer workflows than asked and its last events: nothing of the batch is left.
      if (dropped < workflowsLeft && all) this.#unnote.run(seq);
      workflowsLeft -= dropped;
      eventsLeft -= droppedEvents;
      workflows += dropped;
      events += droppedEvents;
    }
    return { workflows, events };
  }

  /** Deletes the batch's oldest chunks of events holding at most `limit` events (one chunk at least); `all` once none is left. */
  #dropEventsOf(seq: number, limit: number): { events: number; all: boolean } {
    let events = 0;
    let upTo: number | null = null;
    let all = true;
    for (const chunk of this.#eventChunks.iterate(seq) as IterableIterator<{ last_n: number; events: number }>) {
      if (upTo !== null && events + chunk.events > limit) {
        all = false;
        break;
      }
      events += chunk.events;
      upTo = chunk.last_n;
    }
    if (upTo !== null) this.#dropEvents.run(seq, upTo);
    return { events, all };
  }
}
