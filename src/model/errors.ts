/**
 * The one error base class. Every error the service raises on purpose carries a stable `code`;
 * `http/problem.ts` maps codes to HTTP answers in one table, and logs show `name` and `code`.
 * Anything that is not a ClientflowError is a bug or an outside failure: logged, answered 500.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'ENGINE_STOPPED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'INVALID_CURSOR'
  | 'LEASE_LOST'
  | 'NOT_RETRYABLE'
  | 'QUEUE_FULL'
  | 'STORAGE_QUOTA'
  | 'SCHEDULE_LIMIT'
  | 'STORE_IN_USE'
  | 'STORE_UNAVAILABLE'
  | 'TICK_TAKEN';

export class ClientflowError extends Error {
  constructor(readonly code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}
