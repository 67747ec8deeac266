/**
 * How a sequence is written once for a synchronous backend (SQLite) and an asynchronous one
 * (PostgreSQL): as a generator that yields each driver call (driver.ts) and is handed back its
 * answer. `run` drives it inside one SQLite transaction without a single await (better-sqlite3
 * transactions cannot span one); `runAsync` drives it over a PostgreSQL connection, awaiting
 * only the calls that answer with a promise. The sequence cannot tell which.
 *
 *   function* example(): Steps<number> {
 *     const seq = yield* call('batchSeq', id);   // typed: number | null
 *     ...
 *   }
 */
import type { AsyncDriver, Driver } from '../driver.js';

/** One driver call a sequence asks for. */
export type Call = { [K in keyof Driver]: { name: K; args: Parameters<Driver[K]> } }[keyof Driver];

/** A sequence: yields calls, returns `T`. */
export type Steps<T> = Generator<Call, T, unknown>;

/** Asks the driver for `name(...args)`; evaluates to its answer. */
export function* call<K extends keyof Driver>(name: K, ...args: Parameters<Driver[K]>): Generator<Call, ReturnType<Driver[K]>, unknown> {
  return (yield { name, args } as Call) as ReturnType<Driver[K]>;
}

/** Runs `steps` against a synchronous driver. */
export function run<T>(steps: Steps<T>, driver: Driver): T {
  let next = steps.next();
  while (!next.done) {
    let answer: unknown;
    try {
      answer = invoke(driver, next.value);
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

/** Runs `steps` against a driver whose calls may answer with promises. */
export async function runAsync<T>(steps: Steps<T>, driver: AsyncDriver): Promise<T> {
  let next = steps.next();
  while (!next.done) {
    let answer: unknown;
    try {
      answer = invoke(driver, next.value);
      if (answer instanceof Promise) answer = await answer;
    } catch (error) {
      next = steps.throw(error);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

function invoke(driver: Driver | AsyncDriver, c: Call): unknown {
  return (driver[c.name] as (...args: unknown[]) => unknown).apply(driver, c.args);
}
