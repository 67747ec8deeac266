/**
 * When a failed stage attempt runs again. Exponential backoff with full jitter and a cap
 * (delay = random(0, min(maxMs, baseMs × 2^(attempt−1)))), so retries of many workflows that failed
 * together spread out instead of stampeding. Only retryable errors are retried. When the failure
 * says how long to wait (a CRM's `Retry-After`), the delay is at least that, up to a cap.
 */
export interface RetryPolicy {
  /** Attempts per stage, the first included. 1 = never retry. */
  maxAttempts: number;
  /** Backoff before the second attempt (its upper bound: full jitter). */
  baseMs: number;
  /** No backoff exceeds this. */
  maxMs: number;
}

/**
 * The delay before attempt `attempt + 1`, or null when `attempt` was the last allowed.
 * `random` returns [0, 1); pass a seeded one for deterministic tests.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number | null {
  if (attempt >= policy.maxAttempts) return null;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * (ceiling + 1));
}

/**
 * The delay before attempt `attempt + 1` when the failure asked for `retryAfterMs` (null: it did
 * not): the backoff, or the asked wait capped at `retryAfterCapMs` when that is longer. The cap
 * keeps a far side's "come back in a day" (or a far-future HTTP date) from parking a workflow
 * for good; null when `attempt` was the last allowed, whatever was asked.
 */
export function retryDelayMs(
  policy: RetryPolicy, attempt: number, retryAfterMs: number | null, retryAfterCapMs: number, random: () => number = Math.random,
): number | null {
  const backoff = backoffMs(policy, attempt, random);
  if (backoff === null || retryAfterMs === null) return backoff;
  return Math.max(backoff, Math.min(retryAfterMs, retryAfterCapMs));
}
