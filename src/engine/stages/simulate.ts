/** Simulated latency and failures, deterministic for a given seed, client, stage and attempt. */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StageName } from '../../model/statuses.js';
import { StageError, type StageContext } from './stage.js';

/** A uniform number in [0, 1) derived from the inputs: same inputs, same number. */
export function unitRandom(...parts: Array<string | number>): number {
  const digest = createHash('sha256').update(JSON.stringify(parts)).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/**
 * Waits the stage's delay (the batch override, else the configured default), with jitter, then
 * maybe throws the injected failure. The wait ends at once when `ctx.signal` aborts.
 */
export async function simulate(stage: StageName, defaultMs: number, ctx: StageContext): Promise<void> {
  const sim = ctx.simulation;
  const base = sim?.[`${stage}Ms`] ?? defaultMs;
  const seed = sim?.seed ?? 0;
  const jitter = sim?.jitter ?? 0;
  const ms = jitter > 0
    ? Math.max(0, Math.round(base * (1 + jitter * (2 * unitRandom(seed, 'jitter', ctx.clientId, stage, ctx.attempt) - 1))))
    : base;
  ctx.signal.throwIfAborted();
  if (ms > 0) await sleep(ms, undefined, { signal: ctx.signal });
  // A permanent failure hits the same clients whatever the attempt: retrying cannot help.
  if (sim?.failStage === stage && unitRandom(seed, 'failStage', ctx.clientId) < (sim.failStageRate ?? 1)) {
    throw new StageError('SIMULATED_PERMANENT_FAILURE', `simulated permanent ${stage} failure (failStage)`);
  }
  // A transient failure is drawn per attempt, so a retry may succeed.
  const rate = sim?.failureRate ?? 0;
  if (rate > 0 && unitRandom(seed, 'failure', ctx.clientId, stage, ctx.attempt) < rate) {
    throw new StageError('SIMULATED_FAILURE', `simulated transient ${stage} failure (failureRate ${rate})`, { retryable: true });
  }
}
