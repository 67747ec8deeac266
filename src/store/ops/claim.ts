/**
 * A claim: which runnable workflows one engine leases now. The fair plan (claim-plan.ts) runs
 * over the active batches; each tenant's running cap and each flow key's room (model/flow-limits.ts)
 * are read first, for every tenant and key the claim may serve, in one go (so a backend that locks
 * them locks in one order); each workflow of a rate-limited key spends a token in the same
 * transaction, and a key served without a whole token is counted throttled.
 */
import { afterClaim, flowRoom, tokensAt } from '../../model/flow-limits.js';
import { claimFairly, runningCap } from '../claim-plan.js';
import type { BucketWrite, ClaimTerms } from '../driver.js';
import { load } from '../rows.js';
import type { ClaimedWorkflow } from '../store.js';
import { call, type Steps } from './steps.js';

/**
 * Leases up to `limit` workflows under `terms`. `turn` (one more each call) rotates who is served
 * first; `defaultCap`: a tenant's running cap when its quotas set none (null: no cap).
 */
export function* claim(terms: ClaimTerms, limit: number, turn: number, defaultCap: number | null): Steps<ClaimedWorkflow[]> {
  const { now } = terms;
  const batches = yield* call('claimableBatches', limit, now);
  if (batches.length === 0) return [];
  const caps = new Map<string, number>();
  for (const b of batches) {
    const cap = caps.has(b.tenant) ? null : runningCap(b.quotas, defaultCap);
    if (cap !== null) caps.set(b.tenant, cap);
  }
  const held = caps.size > 0 ? yield* call('tenantLeases', [...caps.keys()]) : new Map<string, number>();
  const keys = [...new Set(batches.flatMap((b) => (b.flowKey === null ? [] : [b.flowKey])))];
  const limits = keys.length > 0 ? yield* call('flowLimits', keys) : new Map<string, never>();
  /** Keys this claim served and found no whole token for: throttled once each. */
  const throttled = new Set<string>();
  /** What each batch gave, in the order the plan first took from it. */
  const taken = new Map<number, number>();
  yield* claimFairly(batches, limit, turn, {
    leased: (b) => b.leased + (taken.get(b.seq) ?? 0),
    room: (tenant) => (caps.has(tenant) ? caps.get(tenant)! - (held.get(tenant) ?? 0) : null),
    keyRoom: (key) => {
      const flow = limits.get(key);
      if (!flow) return null;
      if (flow.limit.rate !== null && tokensAt(flow.limit, now) < 1) throttled.add(key);
      return flowRoom(flow.limit, flow.leased, now);
    },
    take: function* (b, max) {
      const got = yield* call('takeFromBatch', b, max, terms);
      taken.set(b.seq, (taken.get(b.seq) ?? 0) + got);
      return got;
    },
  });
  const rows = [...taken.values()].some((n) => n > 0) ? yield* call('takenRows', terms) : [];
  const batchOf = new Map(batches.map((b) => [b.seq, b]));
  // Each claimed workflow of a rate-limited key took a token, in this same transaction.
  const spent = new Map<string, number>();
  for (const { row } of rows) {
    const key = batchOf.get(row.batch_seq)!.flowKey;
    if (key !== null && limits.has(key)) spent.set(key, (spent.get(key) ?? 0) + 1);
  }
  const buckets: BucketWrite[] = [...limits.entries()]
    .filter(([key, flow]) => throttled.has(key) || (flow.limit.rate !== null && (spent.get(key) ?? 0) > 0))
    .map(([key, flow]) => ({ key, ...afterClaim(flow.limit, spent.get(key) ?? 0, now), throttled: throttled.has(key) ? 1 : 0 }));
  if (buckets.length > 0) yield* call('saveBuckets', buckets);
  // In the plan's order (highest priority first), each batch's oldest first.
  const rank = new Map([...taken.keys()].map((seq, i) => [seq, i]));
  rows.sort((x, y) => rank.get(x.row.batch_seq)! - rank.get(y.row.batch_seq)! || x.row.seq - y.row.seq);
  return rows.map(({ row, options, output, traceContext }) => {
    const batch = batchOf.get(row.batch_seq)!;
    // Its end frees a place (or lets the key's bucket refill meanwhile) that another claim may fill.
    const tenantCapped = caps.has(batch.tenant) || (batch.flowKey !== null && limits.has(batch.flowKey));
    return { ...load({ ...row, lease_owner: terms.owner, cancel_requested: 0 }, options), output, tenantCapped, tenant: batch.tenant, traceContext };
  });
}
