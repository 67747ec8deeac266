/**
 * The mock CRM's per-key quota: a token bucket per key holding at most `perSecond` tokens (one
 * second's burst), refilled continuously at `perSecond`. A request takes one token; without one
 * it is refused with the seconds until the next token (a whole number, at least 1, as
 * Retry-After's delay-seconds must be).
 */
export class Quotas {
  readonly #rates: ReadonlyMap<string, number>;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #now: () => number;

  constructor(rates: ReadonlyMap<string, number>, now: () => number = Date.now) {
    this.#rates = rates;
    this.#now = now;
  }

  /** Null when the request may go ahead (or its key has no quota), else the seconds to wait. */
  take(key: string | null): number | null {
    const rate = key === null ? undefined : this.#rates.get(key);
    if (rate === undefined) return null;
    const now = this.#now();
    const bucket = this.#buckets.get(key!) ?? { tokens: rate, at: now };
    bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.#buckets.set(key!, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate));
  }
}

/** `KEY=N/s` (or `KEY=N`): N requests per second for KEY. Throws on anything else. */
export function parseQuota(spec: string): [string, number] {
  const match = /^(.+)=(\d+(?:\.\d+)?)(?:\/s)?$/.exec(spec);
  const rate = match ? Number(match[2]) : NaN;
  if (!match || !(rate > 0)) throw new Error(`--quota ${spec}: expected KEY=N/s with N > 0, e.g. crm:acme=500/s`);
  return [match[1]!, rate];
}
