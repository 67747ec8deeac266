/**
 * Fair claiming, apart from any SQL. Tenants first: the tenants with runnable work share what is
 * asked for equally, in rounds, starting one tenant further each call (round-robin), whatever the
 * priorities of their batches. Priority counts inside a tenant's share: its levels are served
 * from the highest, and inside a level its batches share what is left the same way, each capped
 * by its `maxConcurrency`; the tenant as a whole is capped by its running cap (`maxRunning`). So a
 * tenant at priority 10 cannot starve one at priority 0, a tenant with 50 batches gets no more
 * than a tenant with one, and a 50,000-workflow batch cannot starve a 5-workflow one of the same
 * tenant and priority: the small one waits only for what was already claimed. A tenant at its cap
 * takes nothing, and what it would have had goes to the others. A batch naming a flow key is
 * capped too by its key's room (model/flow-limits.ts: concurrency left and whole tokens), shared
 * by every batch of the key: the tenants using a key take from its room in their turns, so the
 * rotation shares it between them too. A backend supplies how many a batch, a tenant and a key
 * hold and how to take from a batch.
 *
 * Taking is a generator (`Y`: whatever it yields), so a sequence (ops/claim.ts) can take through
 * a backend's port one batch at a time, whether its calls answer at once or with a promise.
 */
import type { Quotas } from '../model/tenants.js';

export interface ClaimableBatch {
  priority: number;
  tenant: string;
  /** Most workflows of the batch leased at once; null: no cap. */
  maxConcurrency: number | null;
  /** The flow key the batch names (model/flow-limits.ts); null: none. */
  flowKey?: string | null;
}

export interface ClaimIo<B, Y = never> {
  /** Workflows of `batch` leased now (asked only of capped batches). */
  leased(batch: B): number;
  /** Claims up to `max` runnable workflows of `batch`; returns how many it got. */
  take(batch: B, max: number): Generator<Y, number, unknown>;
  /**
   * How many more workflows `tenant` may have leased now (its cap less what it holds); null: no
   * cap. Asked once per tenant and call, only of a tenant about to be served. Unset: no tenant caps.
   */
  room?(tenant: string): number | null;
  /**
   * How many more workflows of flow key `key` may be claimed now (null: no limit). Asked once per
   * key and call, only of a key about to be served. Unset: no flow limits.
   */
  keyRoom?(key: string): number | null;
}

/** A tenant's running cap: its own `maxRunning` when set (null: explicitly none), else `fallback`. */
export function runningCap(quotas: Quotas | null, fallback: number | null): number | null {
  return quotas?.maxRunning !== undefined ? quotas.maxRunning : fallback;
}

/** One tenant's batches, by priority level (highest first), each level in the order served next. */
interface TenantShare<B> {
  tenant: string;
  /** Levels with batches that may still give: one that gave less than asked is empty for this call. */
  levels: B[][];
}

/**
 * Claims up to `limit` over `batches` (each tenant's in priority order, highest first; the
 * tenants in the order of their first batch). `turn` (one more each call) rotates the starting
 * tenant and each tenant's starting batch of each level. Returns how many were claimed.
 */
export function* claimFairly<B extends ClaimableBatch, Y>(batches: readonly B[], limit: number, turn: number, io: ClaimIo<B, Y>): Generator<Y, number, unknown> {
  /** What each tenant asked so far may still lease (null: no cap), across levels. */
  const rooms = new Map<string, number | null>();
  /** What each flow key asked so far may still take (null: no limit), across levels and tenants. */
  const keyRooms = new Map<string, number | null>();
  function* fromBatch(batch: B, n: number): Generator<Y, number, unknown> {
    let cap = batch.maxConcurrency === null ? n : Math.min(n, batch.maxConcurrency - io.leased(batch));
    if (cap <= 0) return 0;
    const key = batch.flowKey ?? null;
    let keyRoom: number | null = null;
    if (key !== null) {
      keyRoom = keyRooms.get(key) ?? null;
      if (!keyRooms.has(key)) keyRooms.set(key, keyRoom = io.keyRoom?.(key) ?? null);
      if (keyRoom !== null) cap = Math.min(cap, keyRoom);
    }
    if (cap <= 0) return 0;
    const got = yield* io.take(batch, cap);
    if (key !== null && keyRoom !== null) keyRooms.set(key, keyRoom - got);
    return got;
  }
  function* fromTenant(t: TenantShare<B>, n: number): Generator<Y, number, unknown> {
    let room = rooms.get(t.tenant);
    if (room === undefined) rooms.set(t.tenant, room = io.room?.(t.tenant) ?? null);
    const cap = room === null ? n : Math.min(n, room);
    let given = 0;
    // Its highest level first; what a level cannot take goes to the next.
    while (given < cap && t.levels.length > 0) {
      const dealt = yield* deal(t.levels[0]!, cap - given, fromBatch);
      given += dealt.given;
      if (dealt.open.length > 0 && given === cap) t.levels[0] = dealt.open;
      else t.levels.shift();
    }
    if (room !== null) rooms.set(t.tenant, room - given);
    return given;
  }
  const tenants = byTenant(batches);
  // A tenant is first once every `tenants.length` calls: its own batches rotate at those turns,
  // so with one workflow claimed per call each of its batches still gets its turn.
  const inner = Math.floor(turn / Math.max(1, tenants.length));
  for (const t of tenants) t.levels = t.levels.map((level) => rotate(level, inner));
  return (yield* deal(rotate(tenants, turn), limit, fromTenant)).given;
}

/**
 * Deals `amount` out over `open` in equal shares, in order (what does not divide evenly goes one
 * each to the first ones), again while some is left and someone may take more. `give(item, n)`
 * gives up to `n` and returns how many; one that gives fewer than asked is done for this call.
 * Returns how many were given and the items still open, in the order to serve them next: those
 * that got one more than the others last.
 */
function* deal<T, Y>(open: T[], amount: number, give: (item: T, n: number) => Generator<Y, number, unknown>): Generator<Y, { given: number; open: T[] }, unknown> {
  let left = amount;
  while (left > 0 && open.length > 0) {
    const base = Math.floor(left / open.length);
    const extra = left % open.length;
    const first: T[] = [];
    const last: T[] = [];
    for (const [k, item] of open.entries()) {
      const n = base + (k < extra ? 1 : 0);
      if (n === 0) {
        first.push(item); // not reached this time
        continue;
      }
      const got = yield* give(item, n);
      left -= got;
      if (got === n) (k < extra ? last : first).push(item);
    }
    open = [...first, ...last];
  }
  return { given: amount - left, open };
}

/** The tenants in the order of their first batch, each with its batches by level, in order. */
function byTenant<B extends ClaimableBatch>(batches: readonly B[]): Array<TenantShare<B>> {
  const tenants = new Map<string, TenantShare<B>>();
  for (const batch of batches) {
    let t = tenants.get(batch.tenant);
    if (!t) tenants.set(batch.tenant, t = { tenant: batch.tenant, levels: [] });
    const level = t.levels.at(-1);
    if (level !== undefined && level[0]!.priority === batch.priority) level.push(batch);
    else t.levels.push([batch]);
  }
  return [...tenants.values()];
}

function rotate<T>(list: T[], turn: number): T[] {
  if (list.length === 0) return list;
  const start = turn % list.length;
  return [...list.slice(start), ...list.slice(0, start)];
}
