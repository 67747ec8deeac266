/**
 * One peer's workload in a child process of its own: runs it and reports what it measured over
 * IPC. A process per workload, like the engine cases: a fresh heap and JIT, nothing a queue
 * library left running (a retry loop, a pool) carried into the next measurement, and the parent —
 * which drops the peer's databases and keys afterwards, whatever happened here — never shares
 * its event loop.
 */
import { pathToFileURL } from 'node:url';
import type { Peer, Measured, WorkloadName } from './workloads.js';

export type PeerName = 'clientflow' | 'bullmq' | 'pg-boss' | 'graphile-worker';

export interface PeerRequest {
  peer: PeerName;
  workload: WorkloadName;
  /** PostgreSQL role; every database this child makes starts with `dbPrefix`. */
  pgUser: string;
  dbPrefix: string;
  /** Every Redis key this child makes starts with `redisPrefix:`. */
  redisPrefix: string;
  /** clientflow's temp dir. */
  dir: string;
}

export type WorkloadReply = { ok: true; measured: Measured } | { ok: false; workload: WorkloadName; error: string };
export interface PeerReply {
  label: string;
  node: string;
  result: WorkloadReply;
  /** Rejections nobody handled (a library's own, e.g. after its shutdown): reported, not fatal. */
  strays: string[];
}

/** Imported on demand: a child loads only its own queue library. */
async function load(req: PeerRequest): Promise<Peer> {
  switch (req.peer) {
    case 'clientflow': return (await import('./clientflow.js')).clientflow(req.dir);
    case 'bullmq': return (await import('./bullmq.js')).bullmq(req.redisPrefix);
    case 'pg-boss': return (await import('./pg-boss.js')).pgBoss(req.pgUser, req.dbPrefix);
    case 'graphile-worker': return (await import('./graphile-worker.js')).graphileWorker(req.pgUser, req.dbPrefix);
  }
}

async function childMain(): Promise<void> {
  const req = JSON.parse(process.argv[3] ?? '{}') as PeerRequest;
  // A queue library may reject a promise of its own that nobody awaits (graphile-worker's batched
  // completions, once its database is dropped), or emit an error nobody listens to (its pool's
  // clients, ended by that drop after a run cut at its budget): that must not take the figures
  // down with it. Each is reported with the row.
  const strays: string[] = [];
  const stray = (e: unknown) => { strays.push(e instanceof Error ? e.message : String(e)); };
  process.on('unhandledRejection', stray);
  process.on('uncaughtException', stray);
  const { WORKLOADS } = await import('./workloads.js');
  await (await import('./stages.js')).loadStageWork();
  const peer = await load(req);
  let result: WorkloadReply;
  try {
    result = { ok: true, measured: await WORKLOADS[req.workload](peer) };
  } catch (e) {
    result = { ok: false, workload: req.workload, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  const reply: PeerReply = { label: peer.label, node: process.version, result, strays: [...new Set(strays)] };
  // Exit on purpose: a queue library may keep a timer or a socket that would hold the process.
  process.send?.(reply, () => process.exit(0));
}

if (process.argv[2] === '--child' && import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await childMain();
