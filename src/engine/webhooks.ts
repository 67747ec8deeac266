/**
 * The webhook deliverer: POSTs a finished batch to its callbackUrl, signed, retried with backoff.
 *
 * The store is the source of truth here too. It makes a delivery due in the same transaction that
 * finishes the batch (so a crash right after finishing still delivers) and resets it when a retry
 * reopens the batch. The deliverer only runs due deliveries:
 *
 *   pending (batch running) ──batch finishes──▶ pending, due now
 *   pending, due ──claimed (attempt n counts; leased for timeout + margin)──▶ in flight
 *   in flight ──2xx──────────────────────────────────────────────────────▶ delivered
 *   in flight ──error, n < max──▶ pending, due after backoff (exponential, full jitter, capped)
 *   in flight ──error, n = max──▶ failed
 *   in flight ──process dies──▶ due again when the lease ends (at-least-once: a receiver may
 *                               see one delivery twice; `clientflow-delivery` names it)
 *   any ──retry reopens the batch──▶ pending (attempts 0); an outcome still in flight is dropped
 *
 * It wakes on `batch.finished`, at start (deliveries left pending by a stopped process), when a
 * delivery ends, and on one timer set to the next due time. No Fastify here: Node's global fetch.
 */
import type { Logger } from 'pino';
import type { Batch } from '../model/types.js';
import type { WebhookClaim, WebhookStore } from '../store/store.js';
import type { EngineEvents } from './events.js';
import { backoffMs } from './retry-policy.js';
import { SIGNATURE_HEADER, signPayload } from './webhook-signature.js';

export interface WebhookOptions {
  store: WebhookStore;
  events: EngineEvents;
  logger: Logger;
  /** HMAC-SHA256 key. Without one nothing is ever sent: deliveries wait, unsigned is never an option. */
  secret: string | undefined;
  /** Attempts per delivery, the first included. */
  maxAttempts: number;
  /** Backoff ceiling before the second attempt; doubles each attempt. */
  baseMs: number;
  /** Cap on any one backoff. */
  maxMs: number;
  /** An attempt without an answer by then is aborted and counts as failed. */
  timeoutMs: number;
  /**
   * The body sent: the batch exactly as `GET /v1/batches/{id}` shows it. Only HTTP knows the
   * links, so the launcher passes HTTP's own representation. @default the batch as the store has it
   */
  render?: (batch: Batch) => unknown;
  /** Most deliveries in flight at once. */
  concurrency: number;
  now?: () => number;
  random?: () => number;
}

/** A claim outlives its attempt's timeout by this much, so a live attempt is never claimed twice. */
const LEASE_MARGIN_MS = 5_000;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Webhooks {
  readonly #o: Required<Omit<WebhookOptions, 'secret'>> & { secret: string | undefined };
  readonly #inFlight = new Set<Promise<void>>();
  readonly #outcomeListeners = new Set<(batchId: string) => void>();
  #off: (() => void) | null = null;
  #timer: NodeJS.Timeout | undefined;
  #scan: Promise<void> | null = null;
  #again = false;
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #stopping: Promise<void> | null = null;

  constructor(options: WebhookOptions) {
    this.#o = {
      render: (batch) => batch, now: Date.now, random: Math.random,
      ...options,
    };
  }

  /** Starts delivering: what a stopped process left pending first, then each batch as it finishes. */
  start(): void {
    if (this.#state !== 'new') return;
    if (!this.#o.secret) {
      // Without a secret the API refuses callbackUrl; a file from an earlier run may still hold
      // pending deliveries: they wait for a restart with the secret set.
      this.#state = 'stopped';
      return;
    }
    this.#state = 'running';
    this.#off = this.#o.events.on((e) => {
      if (e.type === 'batch.finished') this.#kick();
    });
    this.#kick();
  }

  /**
   * Stops claiming, then waits for the attempts in flight; each ends by its own timeout at the
   * latest, and its outcome is recorded. Idempotent.
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const wasRunning = this.#state === 'running';
      this.#state = 'stopping';
      this.#off?.();
      clearTimeout(this.#timer);
      if (wasRunning) {
        await this.#scan;
        await Promise.allSettled([...this.#inFlight]);
      }
      this.#state = 'stopped';
    })();
    return this.#stopping;
  }

  /** Calls `listener` with the batch id once each attempt has ended and its outcome is recorded. */
  onOutcome(listener: (batchId: string) => void): () => void {
    this.#outcomeListeners.add(listener);
    return () => this.#outcomeListeners.delete(listener);
  }

  /** Claims and starts what is due; one scan at a time, a kick during a scan runs it once more. */
  #kick(): void {
    if (this.#state !== 'running') return;
    if (this.#scan) {
      this.#again = true;
      return;
    }
    this.#scan = (async () => {
      try {
        do {
          this.#again = false;
          await this.#claimDue();
        } while (this.#again && this.#state === 'running');
        await this.#setTimer();
      } catch (err) {
        // The store failed (closing, disk): the next kick or the timer tries again.
        this.#o.logger.error({ err }, 'webhook scan failed');
      } finally {
        this.#scan = null;
      }
    })();
  }

  async #claimDue(): Promise<void> {
    const free = this.#o.concurrency - this.#inFlight.size;
    if (free <= 0) return;
    const { store, timeoutMs, maxAttempts } = this.#o;
    const claims = await store.claimWebhooks(this.#o.now(), free, timeoutMs + LEASE_MARGIN_MS, maxAttempts);
    // Claimed attempts are counted and leased: they run even if a stop began meanwhile.
    for (const claim of claims) {
      const run: Promise<void> = this.#deliver(claim)
        .catch((err: unknown) => this.#o.logger.error({ err, batchId: claim.batchId }, 'webhook attempt could not be recorded'))
        .finally(() => {
          this.#inFlight.delete(run);
          for (const listener of this.#outcomeListeners) listener(claim.batchId);
          this.#kick();
        });
      this.#inFlight.add(run);
    }
  }

  async #setTimer(): Promise<void> {
    clearTimeout(this.#timer);
    // Every slot busy: what is due waits for a slot, and a finishing attempt kicks the next scan.
    // (A timer now would fire at once, again and again, for deliveries it cannot start.)
    if (this.#inFlight.size >= this.#o.concurrency) return;
    const next = await this.#o.store.nextWebhookAt();
    if (next === null || this.#state !== 'running') return;
    this.#timer = setTimeout(() => this.#kick(), Math.min(MAX_TIMER_MS, Math.max(0, next - this.#o.now())));
    this.#timer.unref();
  }

  async #deliver(claim: WebhookClaim): Promise<void> {
    const { store, logger, now } = this.#o;
    const log = logger.child({ batchId: claim.batchId, attempt: claim.attempt });
    const started = now();
    const batch = await store.getBatch(claim.batchId, started);
    // A retry may have reopened the batch since the claim: never POST a batch that is not finished
    // (the store then drops this claim's outcome, and the next finish delivers).
    const error = !batch ? 'batch not found'
      : batch.finishedAt === null ? 'batch reopened'
        : await this.#post(claim, JSON.stringify(this.#o.render(batch)), `${batch.id}:${Date.parse(batch.finishedAt)}`);
    const at = now();
    const ms = at - started;
    if (error === null) {
      if (await store.recordWebhook(claim, { status: 'delivered', at })) {
        log.info({ outcome: 'delivered', ms }, `webhook delivered in ${ms} ms`);
      }
      return;
    }
    const { maxAttempts, baseMs, maxMs, random } = this.#o;
    const delay = backoffMs({ maxAttempts, baseMs, maxMs }, claim.attempt, random);
    const nextAt = delay === null ? null : at + delay;
    if (!(await store.recordWebhook(claim, { status: 'failed', at, error, nextAt }))) {
      log.info({ outcome: 'dropped' }, 'webhook outcome dropped: the batch reopened since');
    } else if (nextAt === null) {
      log.warn({ outcome: 'failed', ms, error }, `webhook failed after ${claim.attempt} attempts: ${error}`);
    } else {
      log.info({ outcome: 'retrying', ms, error, delayMs: delay }, `webhook attempt ${claim.attempt} failed: ${error}; retrying in ${delay} ms`);
    }
  }

  /**
   * One signed POST; null on a 2xx, else a short reason (never a stack). Redirects are not
   * followed. `delivery` names the notification (the batch and when it finished): the same on
   * every attempt, new when a retried batch finishes again — what a receiver de-duplicates on.
   */
  async #post(claim: WebhookClaim, body: string, delivery: string): Promise<string | null> {
    const { secret, timeoutMs, now } = this.#o;
    try {
      const res = await fetch(claim.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'clientflow-webhook/1',
          'clientflow-delivery': delivery,
          'clientflow-attempt': String(claim.attempt),
          [SIGNATURE_HEADER]: signPayload(secret!, body, Math.floor(now() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The answer's body is of no interest; do not let a receiver make us read a lot of it.
      await res.body?.cancel().catch(() => undefined);
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (e) {
      return reason(e, timeoutMs);
    }
  }
}

/** A fetch failure in a few words: `connect ECONNREFUSED`, `timeout after 10000 ms`, … */
function reason(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && e.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  const cause = (e as { cause?: { code?: unknown; syscall?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') {
    return typeof cause.syscall === 'string' ? `${cause.syscall} ${cause.code}` : cause.code;
  }
  const message = cause && typeof cause.message === 'string' ? cause.message : e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.slice(0, 200);
}
