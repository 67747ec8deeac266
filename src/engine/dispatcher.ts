/**
 * The dispatcher keeps a p-queue fed from the store. Memory holds only claimed work: at most
 * `concurrency` running plus `prefetch` waiting. It claims again when the waiting part runs low,
 * when told new work arrived (`wake`), and on a slow poll (work freed by expired leases).
 *
 * Modes: idle → started (claiming) → draining (no claims; running stages finish) → stopped.
 */
import PQueue from 'p-queue';
import { FairQueue, type FairQueueOptions } from './fair-queue.js';
import type { Logger } from 'pino';
import { LeaseLostError, type ClaimedWorkflow, type DispatchStore } from '../store/store.js';

export interface DispatcherOptions {
  store: DispatchStore;
  /** Identifies this process's leases. */
  owner: string;
  concurrency: number;
  /** Claimed workflows waiting in memory beyond `concurrency`. */
  prefetch: number;
  /** How long a claim holds without renewal; renewed every third of it. */
  leaseMs: number;
  /** How often to look for work nobody announced (expired leases, other writers). */
  pollMs: number;
  now: () => number;
  log: Logger;
  run: (workflow: ClaimedWorkflow) => Promise<void>;
  /** Leases this dispatcher held and no longer does: their runs must stop. */
  onLeaseLost: (ids: string[]) => void;
  /** Held workflows whose cancel was requested (seen at renewal): their runs end canceled. */
  onCanceled: (ids: string[]) => void;
}

export class Dispatcher {
  readonly #o: DispatcherOptions;
  readonly #queue: PQueue<FairQueue, FairQueueOptions>;
  #timers: NodeJS.Timeout[] = [];
  #filling: Promise<void> | null = null;
  /** The last claim found less than it asked for: wait for a wake or the poll. */
  #exhausted = false;
  #draining = false;
  /** start() ran: claims may be made for it. */
  #started = false;
  /** The one timer that wakes the dispatcher when the earliest known retry falls due. */
  #retryTimer: NodeJS.Timeout | null = null;
  #retryAt = Infinity;
  /** When the leases held were last renewed (claims made since hold fresh leases of their own). */
  #renewedAt = -Infinity;
  /** The renewal in flight, if any, and the one to run after it. */
  #renewing: Promise<boolean> | null = null;
  #renewNext: Promise<boolean> | null = null;
  /**
   * The workflows this dispatcher holds, each with the claim it came from: only these leases are
   * renewed. A workflow can be claimed again (after a retry) before its last run has wound down,
   * so a run removes only its own claim.
   */
  readonly #held = new Map<string, ClaimedWorkflow>();

  constructor(options: DispatcherOptions) {
    this.#o = options;
    this.#queue = new PQueue({ concurrency: options.concurrency, queueClass: FairQueue });
  }

  /** Workflows running now. */
  get running(): number {
    return this.#queue.pending;
  }

  /** Claimed workflows waiting for a slot. */
  get waiting(): number {
    return this.#queue.size;
  }

  start(): void {
    this.#started = true;
    const { leaseMs, pollMs } = this.#o;
    this.#timers = [
      setInterval(() => void this.#renew(), leaseMs / 3),
      setInterval(() => {
        void this.#sweep().catch((e: unknown) => this.#warn(e, 'lease sweep failed'));
        this.wake();
      }, pollMs),
    ];
    for (const t of this.#timers) t.unref();
    this.wake();
  }

  /**
   * Frees leases that expired. After a stall (a VM pause, SIGSTOP, a long GC) every lease this
   * process holds may look expired, and the sweep must not take its own live work from it: when
   * the last renewal is overdue, renew first — again if that renewal itself began before the stall
   * (it wrote leases already past) — and sweep only at a time this process's leases still cover.
   */
  async #sweep(): Promise<number> {
    const { leaseMs, now, store } = this.#o;
    const stale = () => now() - this.#renewedAt >= leaseMs / 3;
    for (let tries = 0; stale() && tries < 2; tries++) if (!(await this.#renew())) return 0;
    const at = now();
    return at - this.#renewedAt < leaseMs ? store.releaseExpiredLeases(at) : 0;
  }

  /** New work may be runnable: claim now. */
  wake(): void {
    this.#exhausted = false;
    this.#fill();
  }

  /**
   * Wakes at `at` (a retry's backoff ends). Only the earliest pending time has a timer; later
   * ones are found by the claim that timer triggers, or by the poll.
   */
  wakeAt(at: number): void {
    if (this.#draining || at >= this.#retryAt) return;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryAt = at;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#retryAt = Infinity;
      this.wake();
    }, Math.max(0, at - this.#o.now()));
  }

  /** Stops claiming and drops claimed work not yet started; resolves when running work ends. */
  async drain(): Promise<void> {
    this.#draining = true;
    for (const t of this.#timers) clearInterval(t);
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#queue.clear();
    await this.#filling;
    this.#queue.clear();
    await this.#queue.onIdle();
    this.#held.clear();
  }

  /**
   * Renews every lease this dispatcher holds; returns false when the renewal failed. A claim whose
   * lease is gone (freed, or taken by another claim) is dropped — it will not start, and a run of
   * it is told to stop (`onLeaseLost`). One whose cancel was requested is told to cancel (`onCanceled`).
   */
  #renew(): Promise<boolean> {
    // One renewal at a time: on a slow database (thousands of leases, a busy server) the next tick
    // comes before the last renewal ends, and a second one would only queue behind it for the same
    // rows. But a call made while one runs gets a fresh renewal after it, shared by every call
    // meanwhile: the one running may have started before a stall, renewing from a time already
    // past, and the sweep that waits on this must not then find this process's own leases expired.
    if (!this.#renewing) {
      this.#renewing = this.#renewOnce().finally(() => {
        this.#renewing = null;
      });
      return this.#renewing;
    }
    this.#renewNext ??= this.#renewing.then(() => {
      this.#renewNext = null;
      return this.#renew();
    });
    return this.#renewNext;
  }

  async #renewOnce(): Promise<boolean> {
    const { store, owner, now, leaseMs } = this.#o;
    const at = now();
    // A run that gave its lease up itself (waiting out a retry, interrupted) has not lost it.
    const sent = new Map([...this.#held].filter(([, w]) => w.leaseOwner !== null));
    if (sent.size === 0) {
      this.#renewedAt = at;
      return true;
    }
    let gone: string[];
    let canceled: string[];
    try {
      ({ lost: gone, canceled } = await store.renewLeases(owner, [...sent.keys()], at, leaseMs));
      this.#renewedAt = at;
    } catch (e) {
      this.#warn(e, 'lease renewal failed');
      return false;
    }
    // Checked on the answer, claim by claim: meanwhile a run may have given its lease up, or a
    // newer claim of the same workflow replaced the one sent.
    const lost = gone.filter((id) => {
      const claim = this.#held.get(id);
      return claim === sent.get(id) && claim!.leaseOwner !== null;
    });
    for (const id of lost) this.#held.delete(id);
    if (lost.length > 0) this.#o.onLeaseLost(lost);
    // A cancel requested elsewhere whose notice never came: the heartbeat carries it.
    if (canceled.length > 0) this.#o.onCanceled(canceled);
    return true;
  }

  #fill(): void {
    if (this.#filling || this.#draining || this.#exhausted) return;
    const { concurrency, prefetch } = this.#o;
    // Claim in chunks, not one per finished workflow: only when the waiting part is half empty.
    if (this.#queue.size > prefetch / 2) return;
    const want = concurrency + prefetch - this.#queue.size - this.#queue.pending;
    if (want <= 0) return;
    this.#filling = this.#claim(want).finally(() => {
      this.#filling = null;
    });
  }

  /**
   * The terms of a claim made in a batch's admission (CreateOptions.claim): only while this
   * dispatcher runs, holds nothing and claims nothing, so its work starts at the batch's commit.
   */
  admissionClaim(): { owner: string; limit: number; leaseMs: number } | null {
    if (!this.#started || this.#draining || this.#filling || this.#queue.size > 0 || this.#queue.pending > 0) return null;
    const { owner, concurrency, prefetch, leaseMs } = this.#o;
    return { owner, limit: concurrency + prefetch, leaseMs };
  }

  /** Takes workflows claimed elsewhere (in an admission) as its own claim's. */
  adopt(claimed: ClaimedWorkflow[]): void {
    this.#queueClaimed(claimed);
    // That claim may have left work behind (it took what fit): the next fill looks again.
    this.#exhausted = false;
    this.#fill();
  }

  async #claim(want: number): Promise<void> {
    const { store, owner, now, leaseMs } = this.#o;
    try {
      // Nothing running or waiting: the claim need not wait to share a commit (see DispatchStore.claim).
      const idle = this.#queue.size === 0 && this.#queue.pending === 0;
      const claimed = await store.claim(owner, want, now(), leaseMs, { soon: idle });
      if (claimed.length < want) this.#exhausted = true;
      this.#queueClaimed(claimed);
    } catch (e) {
      this.#exhausted = true;
      this.#warn(e, 'claim failed; retrying on the next poll');
    }
    if (!this.#exhausted) setImmediate(() => this.#fill());
  }

  #queueClaimed(claimed: ClaimedWorkflow[]): void {
    const { store, owner, now } = this.#o;
    for (const workflow of claimed) {
      this.#held.set(workflow.id, workflow);
      // Claimed work waits in turns by tenant, each tenant's highest priority first (fair-queue.ts):
      // one priority order across tenants would let one tenant's work jump the others' claimed before it.
      // A claim superseded while it waited (canceled, retried and claimed again) never runs.
      let started = false;
      void this.#queue.add(() => {
        started = true;
        return this.#held.get(workflow.id) === workflow ? this.#o.run(workflow) : Promise.resolve();
      }, {
        priority: workflow.priority, tenant: workflow.tenant,
      })
        .catch(async (e: unknown) => {
          // Never started: drain() cleared it from the queue (p-queue rejects what clear() drops).
          // Its lease is freed with the others when the engine stops; nothing went wrong.
          if (!started) {
            this.#o.log.debug({ workflowId: workflow.id }, 'claimed workflow dropped at shutdown before it started');
            return;
          }
          // A refused write is the normal end of a claim canceled while it waited; a lease
          // taken by another claim is not, and is worth a warning.
          if (e instanceof LeaseLostError) {
            if (e.expected) this.#o.log.debug({ workflowId: workflow.id }, e.message);
            else this.#o.log.warn({ workflowId: workflow.id }, e.message);
            return;
          }
          // A write failed (disk full, I/O error): give the workflow back now, its stage in
          // flight pending again; if even that fails, the lease expires and the sweep frees it.
          this.#warn(e, 'workflow run failed; releasing it to run again');
          await store.releaseLeases(owner, now(), [workflow.id]).catch((err: unknown) => this.#warn(err, 'release failed'));
        })
        .finally(() => {
          if (this.#held.get(workflow.id) === workflow) this.#held.delete(workflow.id);
          // A batch capped by maxConcurrency, or a tenant by its running cap, has a free slot
          // again: worth a claim.
          if (workflow.options.maxConcurrency !== null || workflow.tenantCapped === true) this.#exhausted = false;
          this.#fill();
        });
    }
  }

  #warn(err: unknown, msg: string): void {
    this.#o.log.warn({ err }, msg);
  }
}
