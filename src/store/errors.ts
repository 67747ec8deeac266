/** What the store refuses, and why. Each has its code (model/errors.ts); HTTP maps the codes. */
import { ClientflowError } from '../model/errors.js';

/** A cursor this service did not issue. */
export class InvalidCursorError extends ClientflowError {
  constructor(message = 'cursor is not one this service issued') {
    super('INVALID_CURSOR', message);
  }
}

/** Accepting the batch would put more than `maxQueued` workflows in the queue; nothing was written. */
export class QueueFullError extends ClientflowError {
  /** `tenant`: the limit passed is that tenant's own quota, not the whole queue's. */
  constructor(readonly queued: number, readonly maxQueued: number, readonly tenant?: string) {
    super('QUEUE_FULL', tenant === undefined
      ? `the queue holds ${queued} workflows; accepting this batch would pass the limit of ${maxQueued}; nothing was accepted`
      : `tenant ${tenant} has ${queued} workflows queued; accepting this batch would pass its quota of ${maxQueued}; nothing was accepted`);
  }
}

/** The tenant stores as many workflows as its quota allows until some are purged (retention). */
export class StorageQuotaError extends ClientflowError {
  constructor(readonly stored: number, readonly maxStored: number, readonly tenant: string) {
    super('STORAGE_QUOTA', `tenant ${tenant} stores ${stored} workflows (until retention purges them); accepting this batch would pass its quota of ${maxStored}; nothing was accepted`);
  }
}

/** The tenant has as many schedules as its quota allows; nothing was written. */
export class ScheduleLimitError extends ClientflowError {
  constructor(readonly tenant: string, readonly maxSchedules: number) {
    super('SCHEDULE_LIMIT', `tenant ${tenant} has ${maxSchedules} schedules, its quota; nothing was created`);
  }
}

/** The Idempotency-Key was used before with a different request body. */
export class IdempotencyConflictError extends ClientflowError {
  constructor() {
    super('IDEMPOTENCY_CONFLICT', 'this Idempotency-Key was used with a different request body');
  }
}

/** Only failed or canceled workflows can be retried. */
export class NotRetryableError extends ClientflowError {
  constructor(id: string, status: string) {
    super('NOT_RETRYABLE', `workflow ${id} is ${status}; only failed or canceled workflows can be retried`);
  }
}

/**
 * A write was refused because the writer no longer holds the workflow's lease. `expected` is
 * true when the workflow was canceled or finished meanwhile (the normal end of a canceled claim);
 * false when the lease went to another claim (it expired and was taken over).
 */
export class LeaseLostError extends ClientflowError {
  constructor(message: string, readonly expected = false) {
    super('LEASE_LOST', message);
  }
}

/** The database is held by another process: this one must not open it. */
export class StoreInUseError extends ClientflowError {
  constructor(message: string) {
    super('STORE_IN_USE', message);
  }
}

/** The store cannot be opened, or cannot commit now (disk full, read-only, I/O error, busy). */
export class StoreUnavailableError extends ClientflowError {
  constructor(message: string, options?: ErrorOptions) {
    super('STORE_UNAVAILABLE', message, options);
  }
}
