/**
 * Flow control per key: a named limit that every workflow of every batch naming the key shares,
 * across batches, restarts and replicas. `concurrency` caps how many such workflows are leased at
 * once; `rate` per `periodMs` is a token bucket of `burst` tokens (default: `rate`), refilled by
 * elapsed time and taken in the claim — each claimed workflow costs one token per claim (a
 * workflow claimed again after a retry's backoff or a lost lease costs again). The state lives in
 * the store (`flow_limits`), never in a process.
 */
/** A flow key: lower-case letters, digits and `:._-`, starting with a letter or digit, up to 128. */
export const FLOW_KEY_PATTERN = '^[a-z0-9][a-z0-9:._-]{0,127}$';
const FLOW_KEY = new RegExp(FLOW_KEY_PATTERN);

/** What a limit is set to; null: that part does not limit. */
export interface FlowLimitSpec {
  concurrency: number | null;
  /** Tokens per `periodMs`; with `periodMs`, both or neither. */
  rate: number | null;
  periodMs: number | null;
  /** Most tokens the bucket holds; null: `rate`. */
  burst: number | null;
}

/** A limit with its bucket and counters, as the store keeps it. */
export interface FlowLimit extends FlowLimitSpec {
  key: string;
  /** Tokens in the bucket at `refilledAt` (refill to now with `tokensAt`). */
  tokens: number;
  refilledAt: number;
  /** Claims that found work of the key but no token. */
  throttled: number;
  /**
   * Until when (epoch ms) the key is paused: the CRM answered 429 or 503 with `Retry-After`, so
   * no claim anywhere takes its work before then (0: not paused).
   */
  pausedUntil: number;
  /** Pauses so far (a metric). */
  pauses: number;
}

/** What `GET /v1/limits/{key}` and the metrics show of a key. */
export interface FlowUsage {
  limit: FlowLimit;
  /** Workflows of the key's batches leased now. */
  inUse: number;
  /** Workflows of the key's batches queued (not leased, not finished). */
  waiting: number;
  /** Tokens now (refilled to `now`); null without a rate. */
  tokens: number | null;
}

export const burstOf = (spec: FlowLimitSpec): number => spec.burst ?? spec.rate ?? 0;

/** The bucket's tokens at `now`: refilled by the time since `refilledAt`, never above its burst. */
export function tokensAt(limit: FlowLimit, now: number): number {
  if (limit.rate === null || limit.periodMs === null) return 0;
  const elapsed = Math.max(0, now - limit.refilledAt);
  return Math.min(burstOf(limit), limit.tokens + (elapsed * limit.rate) / limit.periodMs);
}

/**
 * How many more workflows of the key a claim at `now` may take: the concurrency left (its cap less
 * `leased`) and the whole tokens in the bucket, whichever is fewer; null: neither limits.
 */
export function flowRoom(limit: FlowLimit, leased: number, now: number): number | null {
  if (limit.pausedUntil > now) return 0;
  const byConcurrency = limit.concurrency === null ? null : limit.concurrency - leased;
  const byRate = limit.rate === null ? null : Math.floor(tokensAt(limit, now));
  if (byConcurrency === null) return byRate;
  return byRate === null ? byConcurrency : Math.min(byConcurrency, byRate);
}

/** The bucket after a claim at `now` took `taken` tokens (refilled first). */
export function afterClaim(limit: FlowLimit, taken: number, now: number): { tokens: number; refilledAt: number } {
  if (limit.rate === null) return { tokens: limit.tokens, refilledAt: limit.refilledAt };
  return { tokens: tokensAt(limit, now) - taken, refilledAt: Math.max(now, limit.refilledAt) };
}

/**
 * A new or changed limit: a new one (or one that had no rate) starts full; a changed one keeps its
 * tokens, up to its new burst.
 */
export function withSpec(key: string, spec: FlowLimitSpec, old: FlowLimit | null, now: number): FlowLimit {
  const burst = burstOf(spec);
  const tokens = old === null || old.rate === null ? burst : Math.min(burst, tokensAt(old, now));
  return { key, ...spec, tokens, refilledAt: now, throttled: old?.throttled ?? 0, pausedUntil: old?.pausedUntil ?? 0, pauses: old?.pauses ?? 0 };
}

/** No limit: a key that has a row only to hold its pause. */
const NO_LIMIT: FlowLimitSpec = { concurrency: null, rate: null, periodMs: null, burst: null };

/**
 * The key paused until `until` (a CRM's Retry-After), or null when it is paused that long already.
 * A key with no limit gets a row with none, to hold the pause.
 */
export function paused(key: string, old: FlowLimit | null, until: number, now: number): FlowLimit | null {
  const limit = old ?? withSpec(key, NO_LIMIT, null, now);
  if (limit.pausedUntil >= until) return null;
  return { ...limit, pausedUntil: until, pauses: limit.pauses + 1 };
}

export const isFlowKey = (key: string): boolean => FLOW_KEY.test(key);

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * FLOW_LIMITS: `key=PART[,PART…][;key=…]`, a PART being `N/s` (also `/m`, `/h`, `/500ms`: a rate),
 * `conc=N` (concurrency) or `burst=N`. Example: `crm:acme=500/s,conc=50;crm:globex=10/s`.
 * Throws an Error whose one-line message names the bad entry.
 */
export function parseFlowLimits(text: string): Array<{ key: string; spec: FlowLimitSpec }> {
  const out: Array<{ key: string; spec: FlowLimitSpec }> = [];
  const bad = (entry: string, why: string) =>
    new Error(`"${entry}" ${why} (form: key=N/s,conc=N,burst=N;key2=…)`);
  for (const entry of text.split(';').map((e) => e.trim()).filter((e) => e !== '')) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq).trim();
    if (!isFlowKey(key)) throw bad(entry, 'has no valid key (a-z 0-9 and :._-, up to 128)');
    if (out.some((o) => o.key === key)) throw bad(entry, 'repeats its key');
    const spec: FlowLimitSpec = { concurrency: null, rate: null, periodMs: null, burst: null };
    for (const part of entry.slice(eq + 1).split(',').map((p) => p.trim())) {
      const rate = /^(\d{1,9})\/(\d{0,9})(ms|s|m|h)$/.exec(part);
      const named = /^(conc|burst)=(\d{1,9})$/.exec(part);
      if (rate) {
        const period = (rate[2] === '' ? 1 : Number(rate[2])) * UNITS[rate[3]!]!;
        if (Number(rate[1]) < 1 || period < 1) throw bad(entry, `has a rate of zero in "${part}"`);
        spec.rate = Number(rate[1]);
        spec.periodMs = period;
      } else if (named?.[1] === 'conc') {
        spec.concurrency = Number(named[2]);
      } else if (named?.[1] === 'burst' && Number(named[2]) >= 1) {
        spec.burst = Number(named[2]);
      } else {
        throw bad(entry, `has a part "${part}" that is not N/s, N/m, N/h, N/<n>ms, conc=N or burst=N≥1`);
      }
    }
    if (spec.burst !== null && spec.rate === null) throw bad(entry, 'sets burst without a rate');
    out.push({ key, spec });
  }
  return out;
}
