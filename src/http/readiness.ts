/**
 * Whether this process is ready for work: the store answers and commits (a disk that fills up
 * makes the service unready) and the engine takes work. GET /readyz answers it; the
 * `clientflow_ready` gauge exports it, so an alert sees what the orchestrator's probe sees.
 */
import type { Engine } from '../engine/engine.js';
import type { Lifecycle } from '../store/store.js';

export type ReadinessStore = Pick<Lifecycle, 'ping' | 'probeWrite'>;

export interface Readiness {
  ready: boolean;
  checks: { store: boolean; engine: boolean };
}

export async function readiness(store: ReadinessStore, engine: Pick<Engine, 'accepting'>): Promise<Readiness> {
  // The probe runs first and always: a store that failed learns from it that it works again
  // (PostgreSQL's ping reports its last outcome, which nothing else renews while no work comes).
  const committed = await store.probeWrite(Date.now());
  const checks = { store: committed && store.ping(), engine: engine.accepting };
  return { ready: checks.store && checks.engine, checks };
}
