import type { Logger } from 'pino';
import type { StageName } from '../../model/statuses.js';
import type { ClientId, Simulation } from '../../model/types.js';
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
  /** The claim this attempt runs under: a handler's own writes to the store are fenced on it. */
  lease: LeaseFence;
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
 * error fails the workflow at once.
 */
export class StageError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: { retryable?: boolean } = {}) {
    super(message);
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}
