/**
 * Admission: a batch and all its workflows in one transaction. In order: an idempotency key seen
 * before replays its batch (same fingerprint) or is refused (another body), writing nothing; the
 * queue's limits (`MAX_QUEUED`, the tenant's `maxQueued`) and the tenant's storage quota
 * (`maxStored`) refuse a batch that would pass them, writing nothing; else the batch, its workflows, its key and `batch.created`. The checks read
 * what is committed under the admission lock, so processes admitting at once cannot pass a limit
 * together nor create the same idempotent batch twice.
 */
import { DEFAULT_TENANT } from '../../model/tenants.js';
import { batchOptions, type NewBatch } from '../../model/types.js';
import { IdempotencyConflictError, QueueFullError, StorageQuotaError } from '../errors.js';
import { timeOrderedId } from '../ids.js';
import type { ClaimedWorkflow, CreateOptions, QueueLimits } from '../store.js';
import { claim } from './claim.js';
import { call, type Steps } from './steps.js';
import type { Unit } from './unit.js';

export function* admit(
  unit: Unit, input: NewBatch, now: number, { idempotency, maxQueued, tenantMaxQueued, tenantMaxStored }: CreateOptions,
): Steps<{ id: string; replayed: boolean }> {
  const tenant = input.tenant ?? DEFAULT_TENANT;
  const total = input.clientIds.length;
  if (idempotency || maxQueued !== undefined || tenantMaxQueued !== undefined || tenantMaxStored !== undefined) yield* call('lockAdmission');
  if (idempotency) {
    const seen = yield* call('idempotencyKey', idempotency.key, now);
    if (seen) {
      if (seen.fingerprint !== idempotency.fingerprint) throw new IdempotencyConflictError();
      return { id: seen.batchId, replayed: true };
    }
  }
  yield* roomFor(total, tenant, { maxQueued, tenantMaxQueued }, false);
  if (tenantMaxStored !== undefined) {
    // Canceled and finished workflows count until retention purges them: a submit-and-cancel loop fills a disk too.
    const stored = yield* call('stored', tenant);
    if (stored + total > tenantMaxStored) throw new StorageQuotaError(stored, tenantMaxStored, tenant);
  }
  const id = timeOrderedId(now);
  const seq = yield* call('insertBatch', {
    id, tenant, label: input.label, priority: input.priority, options: batchOptions(input), maxConcurrency: input.maxConcurrency,
    flowKey: input.flowKey ?? null, callbackUrl: input.callbackUrl ?? null, traceContext: input.traceContext ?? null,
    createdAt: now, total,
  });
  yield* call('insertWorkflows', seq, input.clientIds.map(() => timeOrderedId(now)), input.clientIds, input.priority, now);
  if (idempotency) yield* call('putIdempotencyKey', idempotency.key, idempotency.fingerprint, id, now + idempotency.ttlMs);
  unit.log(seq, { type: 'batch.created', at: now, batchId: id, total });
  unit.notice.work = true;
  return { id, replayed: false };
}

/**
 * Admission and, where `options.claim` asks, a claim in the same transaction (ops/claim.ts): the
 * batch's work leased as it commits. `turn` and `defaultCap` are the claim's (see claim()).
 */
export function* admitAndClaim(
  unit: Unit, input: NewBatch, now: number, options: CreateOptions, turn: number, defaultCap: number | null,
): Steps<{ id: string; replayed: boolean; claimed: ClaimedWorkflow[] }> {
  const admitted = yield* admit(unit, input, now, options);
  const terms = options.claim;
  if (!terms || admitted.replayed) return { ...admitted, claimed: [] };
  const claimed = yield* claim({ owner: terms.owner, now, leaseMs: terms.leaseMs }, terms.limit, turn, defaultCap);
  return { ...admitted, claimed };
}

/**
 * Refuses (QueueFullError, before anything is written) `n` more queued workflows of `tenant` that
 * would pass the queue's limits: what a batch admitted and workflows requeued must both respect.
 * The counts are read under the admission lock (`lock`: take it here), so processes admitting or
 * requeuing at once cannot pass a limit together.
 */
export function* roomFor(n: number, tenant: string, { maxQueued, tenantMaxQueued }: QueueLimits, lock = true): Steps<void> {
  if (maxQueued === undefined && tenantMaxQueued === undefined) return;
  if (lock) yield* call('lockAdmission');
  if (maxQueued !== undefined) {
    const queued = yield* call('queued');
    if (queued + n > maxQueued) throw new QueueFullError(queued, maxQueued);
  }
  if (tenantMaxQueued !== undefined) {
    const queued = yield* call('queued', tenant);
    if (queued + n > tenantMaxQueued) throw new QueueFullError(queued, tenantMaxQueued, tenant);
  }
}
