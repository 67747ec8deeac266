/**
 * The event outbox. A transaction derives its events as it writes (each change's events are
 * inserted in the same transaction as the change) and hands them here; they are published once it
 * commits, in id order, and dropped if it rolls back. So no listener ever hears of a change that a
 * crash or a failed write could undo, and a replay from the store shows exactly what listeners heard.
 *
 * In-memory figures kept beside the database (a cached total) follow the same rule through
 * `CommittedTotal`: a change counts once its transaction commits.
 */
import type { EngineEvent } from '../model/events.js';

export type EventListener = (event: EngineEvent) => void;

export class Outbox {
  #events: EngineEvent[] = [];
  #settle: Array<(committed: boolean) => void> = [];
  readonly #listeners = new Set<EventListener>();

  /** An event the open transaction wrote, with the id the store gave it. */
  add(event: EngineEvent): void {
    this.#events.push(event);
  }

  /** Calls `fn(true)` when the open transaction commits, `fn(false)` if it rolls back. */
  onSettle(fn: (committed: boolean) => void): void {
    this.#settle.push(fn);
  }

  /** The open transaction committed: settle its in-memory effects, then publish its events. */
  commit(): void {
    this.publish(this.seal());
  }

  /**
   * The open transaction committed: settles its in-memory effects (they mirror what the database
   * now holds) and returns its events, for `publish` once the commit is durable (sqlite/wal-sync.ts).
   */
  seal(): EngineEvent[] {
    this.#settleAll(true);
    const events = this.#events;
    this.#events = [];
    return events;
  }

  /** Tells every listener, in order, about events sealed from committed transactions. */
  publish(events: readonly EngineEvent[]): void {
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (error) {
          // A listener's bug must not undo a commit or stop the others from hearing the event.
          process.emitWarning(`event listener failed: ${String(error)}`);
        }
      }
    }
  }

  /** The open transaction rolled back: nothing it did is published or counted. */
  discard(): void {
    this.#events = [];
    this.#settleAll(false);
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #settleAll(committed: boolean): void {
    const settle = this.#settle;
    this.#settle = [];
    for (const fn of settle) fn(committed);
  }
}

/** A number kept in memory beside the database, moved only by transactions that commit. */
export class CommittedTotal {
  readonly #outbox: Outbox;
  #committed: number;
  #pending = 0;
  #registered = false;

  constructor(outbox: Outbox, initial: number) {
    this.#outbox = outbox;
    this.#committed = initial;
  }

  /** What the database holds once the open transaction commits. */
  get value(): number {
    return this.#committed + this.#pending;
  }

  /** Moves the total by `n` once the open transaction commits. */
  add(n: number): void {
    if (n === 0) return;
    this.#pending += n;
    if (this.#registered) return;
    this.#registered = true;
    this.#outbox.onSettle((committed) => {
      if (committed) this.#committed += this.#pending;
      this.#pending = 0;
      this.#registered = false;
    });
  }
}
