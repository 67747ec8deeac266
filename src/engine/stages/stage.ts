import type { Logger } from 'pino';
import type { StageName } from '../../model/statuses.js';
import type { BatchOptions, ClientId, Simulation } from '../../model/types.js';
import type { LeaseFence } from '../../store/store.js';

export interface StageContext {
  /** Fires on shutdown (and later on timeout or cancel); a handler must stop promptly. */
  signal: AbortSignal;
  clientId: ClientId;
  batchId: string;
  workflowId: string;
  /** 1 on the first attempt of this stage. */
  attempt: number;
  log: Logger;
  /** The batch's simulation overrides, if any. */
  simulation: Simulation | null;
  /** Everything the batch asked for (its CRM key, …). */
  options: BatchOptions;
  /** The claim this attempt runs under: a handler's own writes to the store are fenced on it. */
  lease: LeaseFence;
  /** The attempt's span as a W3C `traceparent`, for the requests it makes; null: tracing is off. */
  traceparent: string | null;
  /**
   * Hands over the workflow's result (`storedAt`: when it was stored): the store writes it in the
   * same transaction as this attempt's success, fenced like it, and not at all if the attempt
   * fails. The last call wins.
   */
  keepResult(result: Record<string, unknown>, storedAt: number): void;
}

/** One stage's work. Its input is the previous stage's persisted output (null for the first). */
export interface StageHandler {
  readonly name: StageName;
  run(input: unknown, ctx: StageContext): Promise<unknown>;
}

export type StageHandlers = Record<StageName, StageHandler>;

/**
 * A failure a handler reports on purpose, with a stable code for the API. `retryable` says
 * whether another attempt may succeed (a transient fault) or not (invalid input): a permanent
 * error fails the workflow at once. `retryAfterMs` is the least wait the far side asked for
 * (an HTTP `Retry-After`): the next attempt waits at least that long (capped: runner.ts).
 */
export class StageError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | null;

  constructor(code: string, message: string, options: { retryable?: boolean; retryAfterMs?: number | null } = {}) {
    super(message);
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs ?? null;
  }
}
