/**
 * When a failed stage attempt runs again. Exponential backoff with full jitter and a cap
 * (delay = random(0, min(maxMs, baseMs × 2^(attempt−1)))), so retries of many workflows that failed
 * together spread out instead of stampeding. Only retryable errors are retried.
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
