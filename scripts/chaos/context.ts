/** What a chaos mode gets from the entry point (scripts/chaos.ts). */
import type { Processes } from './processes.js';

export interface RunContext {
  /** The repository: the servers run `dist/server.js` from here. */
  root: string;
  /** When the run began (Date.now()). */
  began: number;
  /** The run's seeded PRNG: one seed, one schedule of kills and stalls. */
  random: () => number;
  processes: Processes;
  /**
   * Registers an undo step (a temp dir, a database): run once, last registered first, however
   * the run ends — done, failed, Ctrl-C or the time limit.
   */
  defer: (step: () => Promise<void> | void) => void;
}

/** An integer from `min` to `max`, drawn from the run's PRNG. */
export const between = (random: () => number, min: number, max: number): number => Math.round(min + random() * (max - min));
