/**
 * One running workflow's switches: cancel and shutdown, and the timeout of the attempt in flight.
 * Each attempt gets its own AbortController. Nothing listens on an engine-wide signal: thousands
 * of sleeps on one shared AbortSignal make every add/remove of a listener cost O(listeners).
 */
import type { TraceFields } from '../telemetry/workflow-spans.js';

export type AbortCause = 'cancel' | 'shutdown' | 'timeout' | 'lease-lost';

export class AbortedError extends Error {
  override readonly name = 'AbortError';

  constructor(readonly why: AbortCause) {
    super(`the stage was aborted (${why})`);
  }
}

export class RunControl {
  #canceled = false;
  #shutdown = false;
  #attempt: AbortController | null = null;
  #timer: NodeJS.Timeout | undefined;
  /** The ids of the run's span, for the engine's log lines of this workflow; null: untraced. */
  trace: TraceFields | null = null;

  /** The batch of the workflow it controls: a cancel of the batch on another replica reaches it by this. */
  constructor(readonly batchId: string) {}

  get canceled(): boolean {
    return this.#canceled;
  }

  get shutDown(): boolean {
    return this.#shutdown;
  }

  cancel(): void {
    this.#canceled = true;
    this.#attempt?.abort(new AbortedError('cancel'));
  }

  shutdown(): void {
    this.#shutdown = true;
    this.#attempt?.abort(new AbortedError('shutdown'));
  }

  /** The lease is gone (canceled before it started, or taken over): stop the attempt in flight. */
  abandon(): void {
    this.#attempt?.abort(new AbortedError('lease-lost'));
  }

  /** A fresh signal for one attempt; it aborts on cancel, shutdown, or after `timeoutMs`. */
  begin(timeoutMs: number): AbortSignal {
    const attempt = new AbortController();
    this.#attempt = attempt;
    this.#timer = setTimeout(() => attempt.abort(new AbortedError('timeout')), timeoutMs);
    if (this.#canceled) attempt.abort(new AbortedError('cancel'));
    if (this.#shutdown) attempt.abort(new AbortedError('shutdown'));
    return attempt.signal;
  }

  /** Why the attempt in flight was aborted, if it was; and forget it. */
  end(): AbortCause | null {
    clearTimeout(this.#timer);
    const reason: unknown = this.#attempt?.signal.reason;
    this.#attempt = null;
    return reason instanceof AbortedError ? reason.why : null;
  }
}
