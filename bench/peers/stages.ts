/**
 * The stage work every peer runs: clientflow's own default stages (src/engine/stages), so each
 * peer computes and persists the same outputs — a synthesized client record (fetch), its report
 * (process) and the stored result (store) — and only the orchestration and storage differ.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClientRecord, ClientReport } from '../../src/engine/stages/client-record.js';
import { deployed } from '../deployed.js';

type StageWork = typeof import('../../src/engine/stages/client-record.js');
let work: StageWork | undefined;

/**
 * Loads the stage work from the built dist/, as clientflow's own cases run it (deployed.ts): a
 * peer's child calls this once before its first job. Not at import: the parent imports this
 * file (workloads.ts) before its first step builds dist/.
 */
export async function loadStageWork(): Promise<void> {
  work ??= await deployed<StageWork>('engine/stages/client-record.js');
}

export const STAGES = ['fetch', 'process', 'store'] as const;
export type Stage = (typeof STAGES)[number];

export interface StageDelays {
  fetchMs: number;
  processMs: number;
  storeMs: number;
}

export const ZERO_DELAYS: StageDelays = { fetchMs: 0, processMs: 0, storeMs: 0 };

/** One stage of one workflow: its delay (a setTimeout sleep, skipped at 0 like clientflow's), then its work. */
export async function runStage(stage: Stage, clientId: number, input: unknown, delays: StageDelays): Promise<unknown> {
  const ms = delays[`${stage}Ms`];
  if (ms > 0) await sleep(ms);
  if (!work) throw new Error('loadStageWork() was not called');
  switch (stage) {
    case 'fetch': return work.synthesizeClient(clientId);
    case 'process': return work.analyzeClient(input as ClientRecord);
    // clientflow's store stage saves the report with its time (saveResult); so does every peer.
    case 'store': return { ...(input as ClientReport), storedAt: new Date().toISOString() };
  }
}
