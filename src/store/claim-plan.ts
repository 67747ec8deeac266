/**
 * Fair claiming, apart from any SQL. Priority levels are served from the highest; inside a level
 * the active batches share what is asked for equally, in rounds, starting one batch further each
 * call (round-robin), each capped by its `maxConcurrency`. A 50,000-workflow batch therefore
 * cannot starve a 5-workflow one of the same priority: the small one waits only for what was
 * already claimed. A backend supplies how many a batch holds and how to take from it.
 */
export interface ClaimableBatch {
  priority: number;
  /** Most workflows of the batch leased at once; null: no cap. */
  maxConcurrency: number | null;
}

export interface ClaimIo<B> {
  /** Workflows of `batch` leased now (asked only of capped batches). */
  leased(batch: B): number;
  /** Claims up to `max` runnable workflows of `batch`; returns how many it got. */
  take(batch: B, max: number): number;
}

/**
 * Claims up to `limit` over `batches` (ordered by priority, highest first). `turn` rotates the
 * starting batch of each level. Returns how many were claimed.
 */
export function claimFairly<B extends ClaimableBatch>(batches: readonly B[], limit: number, turn: number, io: ClaimIo<B>): number {
  let remaining = limit;
  for (let i = 0; i < batches.length && remaining > 0;) {
    const priority = batches[i]!.priority;
    let end = i;
    while (end < batches.length && batches[end]!.priority === priority) end += 1;
    const level = batches.slice(i, end);
    i = end;
    const start = turn % level.length;
    let open = [...level.slice(start), ...level.slice(0, start)];
    while (remaining > 0 && open.length > 0) {
      const share = Math.ceil(remaining / open.length);
      const stillOpen: B[] = [];
      for (const batch of open) {
        let cap = Math.min(share, remaining);
        if (batch.maxConcurrency !== null) cap = Math.min(cap, batch.maxConcurrency - io.leased(batch));
        if (cap <= 0) continue;
        const got = io.take(batch, cap);
        remaining -= got;
        // A batch that gave all it was asked may have more; one that gave less is empty for now.
        if (got === cap) stillOpen.push(batch);
      }
      open = stillOpen;
    }
  }
  return limit - remaining;
}
