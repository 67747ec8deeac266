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
 *                               see one delivery twice; `webhook-id` names it)
 *   any ──retry reopens the batch──▶ pending (attempts 0); an outcome still in flight is dropped
 *
 * It wakes on `batch.finished`, at start (deliveries left pending by a stopped process), when a
 * delivery ends, and on one timer set to the next due time. No Fastify here: undici, through an
 * Agent that connects only to public addresses (net/guarded-agent.ts; WEBHOOK_ALLOW_HOSTS names
 * exceptions), checked at connect time so that DNS rebinding cannot slip past a check made earlier.
 *
 * Traced (`spans`), each attempt is a `webhook` span in the trace of the POST that created the
 * batch (its `traceparent` is stored with the batch, so any replica joins it), sent as the
 * request's `traceparent`.
 *
 * What a batch's reader sees of a failure is one text, `delivery failed`, whatever the cause:
 * whoever chooses the callbackUrl must not learn which hosts and ports exist from how the attempts
 * fail (a closed port, a silent one and an HTTP answer read alike). The log has the full reason.
 */
import type { Logger } from 'pino';
import { request, type Agent } from 'undici';
import type { Batch } from '../model/types.js';
import { AddressPolicy, EMPTY_ALLOW_LIST, type AllowList } from '../net/address-policy.js';
import { guardedAgent, type Resolver } from '../net/guarded-agent.js';
import type { WebhookClaim, WebhookStore } from '../store/store.js';
import type { WebhookTrace, WorkflowSpans } from '../telemetry/workflow-spans.js';
import type { EngineEvents } from './events.js';
import { backoffMs } from './retry-policy.js';
import { secretKey, signatureHeaders } from '../net/webhook-signature.js';

export interface WebhookOptions {
  store: WebhookStore;
  events: EngineEvents;
  logger: Logger;
  /**
   * WEBHOOK_SECRET (`whsec_<base64>`). Without one nothing is ever sent: deliveries wait,
   * unsigned is never an option.
   */
  secret: string | undefined;
  /** WEBHOOK_ALLOW_HOSTS, parsed: what may be reached although not public. @default none */
  allowHosts?: AllowList;
  /** Resolves a callbackUrl's host name at connect time. @default the system's (dns.lookup) */
  resolve?: Resolver;
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
  /**
   * Most deliveries of one tenant in flight at once: a tenant whose receivers never answer holds
   * at most these slots, each for WEBHOOK_TIMEOUT_MS, and the rest serve the other tenants.
   * @default concurrency (no share)
   */
  tenantConcurrency?: number;
  /** Makes each attempt's span (tracing on); null or unset: none. */
  spans?: WorkflowSpans | null;
  now?: () => number;
  random?: () => number;
}

/**
 * How one delivery attempt ended: `delivered` (2xx), `retrying` (failed, another attempt is due),
 * `failed` (failed, no attempt left), `dropped` (the batch reopened meanwhile: the outcome is not
 * kept), `unrecorded` (the store could not record it; the claim's lease lets it be tried again).
 */
export const WEBHOOK_OUTCOMES = ['delivered', 'retrying', 'failed', 'dropped', 'unrecorded'] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** A claim outlives its attempt's timeout by this much, so a live attempt is never claimed twice. */
const LEASE_MARGIN_MS = 5_000;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Webhooks {
  readonly #o: Required<Omit<WebhookOptions, 'secret' | 'allowHosts' | 'resolve' | 'tenantConcurrency' | 'spans'>>;
  readonly #perTenant: number;
  /** Deliveries in flight here, by tenant (what the next claim's share counts). */
  readonly #held = new Map<string, number>();
  readonly #spans: WorkflowSpans | null;
  readonly #key: Buffer | null;
  readonly #agent: Agent;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #outcomeListeners = new Set<(batchId: string, outcome: WebhookOutcome) => void>();
  #off: (() => void) | null = null;
  #timer: NodeJS.Timeout | undefined;
  #scan: Promise<void> | null = null;
  #again = false;
  #state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  #stopping: Promise<void> | null = null;

  constructor({ secret, allowHosts = EMPTY_ALLOW_LIST, resolve, tenantConcurrency, spans = null, ...options }: WebhookOptions) {
    this.#o = { render: (batch) => batch, now: Date.now, random: Math.random, ...options };
    this.#perTenant = Math.min(tenantConcurrency ?? options.concurrency, options.concurrency);
    this.#spans = spans;
    this.#key = secret === undefined ? null : secretKey(secret);
    // config.ts refuses such a secret first; here too nothing goes out signed with a weak key.
    if (secret !== undefined && !this.#key) throw new Error('WEBHOOK_SECRET is not whsec_<base64 of at least 32 bytes>');
    this.#agent = guardedAgent({ policy: new AddressPolicy(allowHosts), resolve, connectTimeoutMs: options.timeoutMs });
  }

  /** Starts delivering: what a stopped process left pending first, then each batch as it finishes. */
  start(): void {
    if (this.#state !== 'new') return;
    if (!this.#key) {
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
      await this.#agent.close();
      this.#state = 'stopped';
    })();
    return this.#stopping;
  }

  /**
   * Sends a failed delivery again (POST /v1/batches/{id}/webhook/redeliver): the store makes it due
   * now with a fresh round of attempts, and the deliverer is woken to claim it, so it goes out by
   * the same signed path and address checks as every attempt. False when the batch's delivery is
   * not failed. A process that does not deliver (RUN_MODE=api, no secret) only makes it due: a
   * deliverer elsewhere claims it at its next scan.
   */
  async redeliver(batchId: string): Promise<boolean> {
    const due = await this.#o.store.redeliverWebhook(batchId, this.#o.now());
    if (due) this.#kick();
    return due;
  }

  /** Calls `listener` with the batch id and the outcome once each attempt has ended and its outcome is recorded. */
  onOutcome(listener: (batchId: string, outcome: WebhookOutcome) => void): () => void {
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
        // A kick while the timer is set (an attempt ended) scans again: a tenant at its share
        // waits for exactly that, and no timer would wake it.
        do {
          this.#again = false;
          await this.#claimDue();
          if (!this.#again) await this.#setTimer();
        } while (this.#again && this.#state === 'running');
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
    const share = { perTenant: this.#perTenant, held: Object.fromEntries(this.#held) };
    const claims = await store.claimWebhooks(this.#o.now(), free, timeoutMs + LEASE_MARGIN_MS, maxAttempts, share);
    // Claimed attempts are counted and leased: they run even if a stop began meanwhile.
    for (const claim of claims) {
      this.#held.set(claim.tenant, (this.#held.get(claim.tenant) ?? 0) + 1);
      const run: Promise<void> = this.#deliver(claim)
        .catch((err: unknown): WebhookOutcome => {
          this.#o.logger.error({ err, batchId: claim.batchId }, 'webhook attempt could not be recorded');
          return 'unrecorded';
        })
        .then((outcome) => {
          this.#inFlight.delete(run);
          const held = (this.#held.get(claim.tenant) ?? 1) - 1;
          if (held > 0) this.#held.set(claim.tenant, held);
          else this.#held.delete(claim.tenant);
          for (const listener of this.#outcomeListeners) listener(claim.batchId, outcome);
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
    // A tenant at its share waits for one of its deliveries to end (which kicks), not for a time.
    const waiting = [...this.#held].filter(([, n]) => n >= this.#perTenant).map(([tenant]) => tenant);
    const next = await this.#o.store.nextWebhookAt(waiting);
    if (next === null || this.#state !== 'running') return;
    this.#timer = setTimeout(() => this.#kick(), Math.min(MAX_TIMER_MS, Math.max(0, next - this.#o.now())));
    this.#timer.unref();
  }

  async #deliver(claim: WebhookClaim): Promise<WebhookOutcome> {
    const span = this.#spans?.webhook(claim) ?? null;
    if (!span) return this.#attempt(claim, null);
    try {
      const outcome = await this.#attempt(claim, span);
      span.end(outcome);
      return outcome;
    } catch (e) {
      span.end('unrecorded');
      throw e;
    }
  }

  async #attempt(claim: WebhookClaim, span: WebhookTrace | null): Promise<WebhookOutcome> {
    const { store, logger, now } = this.#o;
    const log = logger.child({ batchId: claim.batchId, attempt: claim.attempt, ...span?.fields });
    const started = now();
    const batch = await store.getBatch(claim.batchId, started);
    // A retry may have reopened the batch since the claim: never POST a batch that is not finished
    // (the store then drops this claim's outcome, and the next finish delivers).
    const failure = !batch ? { shown: 'batch not found', reason: 'batch not found' }
      : batch.finishedAt === null ? { shown: 'batch reopened', reason: 'batch reopened' }
        : await this.#post(claim, JSON.stringify(this.#o.render(batch)), `${batch.id}:${Date.parse(batch.finishedAt)}`, span?.traceparent ?? null);
    const at = now();
    const ms = at - started;
    if (failure === null) {
      if (!(await store.recordWebhook(claim, { status: 'delivered', at }))) return 'dropped';
      log.info({ outcome: 'delivered', ms }, `webhook delivered in ${ms} ms`);
      return 'delivered';
    }
    const { maxAttempts, baseMs, maxMs, random } = this.#o;
    const delay = backoffMs({ maxAttempts, baseMs, maxMs }, claim.attempt, random);
    const nextAt = delay === null ? null : at + delay;
    // The batch shows the vague form; the log, read by operators only, the full reason.
    const { shown, reason: error } = failure;
    if (!(await store.recordWebhook(claim, { status: 'failed', at, error: shown, nextAt }))) {
      log.info({ outcome: 'dropped', error }, 'webhook outcome dropped: the batch reopened since');
      return 'dropped';
    }
    if (nextAt === null) {
      log.warn({ outcome: 'failed', ms, error }, `webhook failed after ${claim.attempt} attempts: ${error}`);
      return 'failed';
    }
    log.info({ outcome: 'retrying', ms, error, delayMs: delay }, `webhook attempt ${claim.attempt} failed: ${error}; retrying in ${delay} ms`);
    return 'retrying';
  }

  /**
   * One signed POST; null on a 2xx, else what went wrong: `shown` on the batch, `reason` in the
   * log. Redirects are not followed (a 3xx is a failure: it could point anywhere). `id` names
   * the notification (the batch and when it finished): the same on every attempt, new when a
   * retried batch finishes again — what a receiver de-duplicates on. `traceparent`: the attempt's span.
   */
  async #post(claim: WebhookClaim, body: string, id: string, traceparent: string | null): Promise<Failure | null> {
    const { timeoutMs, now } = this.#o;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await request(claim.url, {
        method: 'POST',
        dispatcher: this.#agent,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'clientflow-webhook/1',
          'clientflow-attempt': String(claim.attempt),
          ...(traceparent !== null && { traceparent }),
          ...signatureHeaders(this.#key!, id, Math.floor(now() / 1000), body),
        },
        body,
        signal,
      });
      // The answer's body is of no interest: read a little (so the connection can be reused),
      // never a lot, and never past the attempt's timeout.
      await res.body.dump({ limit: 16 * 1024, signal }).catch(() => undefined);
      const status = res.statusCode;
      if (status >= 200 && status < 300) return null;
      return { shown: SHOWN_FAILURE, reason: `HTTP ${status}` };
    } catch (e) {
      return { shown: SHOWN_FAILURE, reason: reasonOf(e, timeoutMs) };
    }
  }
}

/**
 * What a batch shows of any failed attempt. Telling a refused connection from a timeout or an HTTP
 * status would make the callbackUrl a port scanner over whatever WEBHOOK_ALLOW_HOSTS admits.
 */
const SHOWN_FAILURE = 'delivery failed';

/** A failed attempt: what the batch shows, and the full reason for the log. */
interface Failure {
  shown: string;
  reason: string;
}

/** The attempt's own timeout, or the connect timeout inside it (the same limit). */
function isTimeout(e: unknown): boolean {
  return e instanceof Error && (e.name === 'TimeoutError' || (e as { code?: unknown }).code === 'UND_ERR_CONNECT_TIMEOUT');
}

/** A failure in a few words: `connect ECONNREFUSED`, `refused to connect to …`, `timeout after 10000 ms`, … */
function reasonOf(e: unknown, timeoutMs: number): string {
  if (isTimeout(e)) return `timeout after ${timeoutMs} ms`;
  for (const err of [e, (e as { cause?: unknown } | null)?.cause]) {
    const { code, syscall, message } = (err ?? {}) as { code?: unknown; syscall?: unknown; message?: unknown };
    if (code === 'ERR_ADDRESS_REFUSED' && typeof message === 'string') return message;
    if (typeof code === 'string') return typeof syscall === 'string' ? `${syscall} ${code}` : code;
  }
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n')[0]!.slice(0, 200);
}
