/** A `flow_limits` row as both stores keep it (model/flow-limits.ts). */
import type { FlowLimit } from '../model/flow-limits.js';

export interface FlowLimitRow {
  key: string;
  concurrency: number | null;
  rate: number | null;
  period_ms: number | null;
  burst: number | null;
  tokens: number;
  refilled_at: number;
  throttled: number;
  paused_until: number;
  pauses: number;
}

export const LIMIT_COLUMNS = 'key, concurrency, rate, period_ms, burst, tokens, refilled_at, throttled, paused_until, pauses';

export const fromRow = (r: FlowLimitRow): FlowLimit => ({
  key: r.key, concurrency: r.concurrency, rate: r.rate, periodMs: r.period_ms, burst: r.burst,
  tokens: r.tokens, refilledAt: r.refilled_at, throttled: r.throttled, pausedUntil: Number(r.paused_until), pauses: Number(r.pauses),
});
