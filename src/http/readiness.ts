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
  const checks = { store: store.ping() && (await store.probeWrite(Date.now())), engine: engine.accepting };
  return { ready: checks.store && checks.engine, checks };
}
