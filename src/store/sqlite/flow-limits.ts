/** Flow limits per key on SQLite (model/flow-limits.ts): the rows, their use, and the claim's bucket writes. */
import type { Database as DB, Statement } from 'better-sqlite3';
import { tokensAt, type FlowLimit, type FlowUsage } from '../../model/flow-limits.js';
import { fromRow, LIMIT_COLUMNS, type FlowLimitRow } from '../flow-rows.js';
import { ACTIVE } from '../rows.js';

export class FlowLimitRows {
  readonly #get: Statement;
  readonly #all: Statement;
  readonly #put: Statement;
  readonly #leased: Statement;
  readonly #waiting: Statement;
  readonly #bucket: Statement;

  constructor(db: DB) {
    this.#get = db.prepare(`SELECT ${LIMIT_COLUMNS} FROM flow_limits WHERE key = ?`);
    this.#all = db.prepare(`SELECT ${LIMIT_COLUMNS} FROM flow_limits ORDER BY key`);
    this.#put = db.prepare(`INSERT INTO flow_limits (${LIMIT_COLUMNS})
      VALUES (@key, @concurrency, @rate, @periodMs, @burst, @tokens, @refilledAt, @throttled, @pausedUntil, @pauses)
      ON CONFLICT (key) DO UPDATE SET concurrency = excluded.concurrency, rate = excluded.rate, period_ms = excluded.period_ms,
        burst = excluded.burst, tokens = excluded.tokens, refilled_at = excluded.refilled_at,
        paused_until = excluded.paused_until, pauses = excluded.pauses`);
    // Only unfinished workflows hold leases, so only the key's active batches are counted (batches_by_flow_key).
    this.#leased = db.prepare(`SELECT count(*) FROM workflows
      WHERE lease_owner IS NOT NULL AND batch_seq IN (SELECT seq FROM batches WHERE ${ACTIVE} AND flow_key = ?)`).pluck();
    this.#waiting = db.prepare(`SELECT count(*) FROM workflows
      WHERE lease_owner IS NULL AND ${ACTIVE} AND batch_seq IN (SELECT seq FROM batches WHERE ${ACTIVE} AND flow_key = ?)`).pluck();
    this.#bucket = db.prepare('UPDATE flow_limits SET tokens = ?, refilled_at = ?, throttled = throttled + ? WHERE key = ?');
  }

  get(key: string): FlowLimit | null {
    const row = this.#get.get(key) as FlowLimitRow | undefined;
    return row ? fromRow(row) : null;
  }

  put(limit: FlowLimit): void {
    this.#put.run(limit);
  }

  leased(key: string): number {
    return this.#leased.get(key) as number;
  }

  usage(limit: FlowLimit, now: number): FlowUsage {
    return {
      limit, inUse: this.leased(limit.key), waiting: this.#waiting.get(limit.key) as number,
      tokens: limit.rate === null ? null : tokensAt(limit, now),
    };
  }

  all(): FlowLimit[] {
    return (this.#all.all() as FlowLimitRow[]).map(fromRow);
  }

  /** A claim's bucket, and whether it found the key without a whole token. */
  saveBucket(key: string, tokens: number, refilledAt: number, throttled: number): void {
    this.#bucket.run(tokens, refilledAt, throttled, key);
  }
}
