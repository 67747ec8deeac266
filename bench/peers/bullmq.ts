/**
 * BullMQ: one job per workflow, its three stages run in one processor call, and after each stage
 * the output is persisted with `job.updateData` — BullMQ's documented "process step jobs"
 * pattern: the data holds the last stage done and its output, so a retried job resumes at the
 * next stage instead of starting over. The finish is the `completed` event (after the job was
 * moved to the completed set). Completed jobs are kept (BullMQ's default), as clientflow keeps
 * its workflows.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { deleteRedisKeys, REDIS, redisCpuUs, redisDurability } from './servers.js';
import { runStage, STAGES, type Stage } from './stages.js';
import { packageVersion, type Peer, type WorkloadName } from './workloads.js';

interface WorkflowData {
  clientId: number;
  /** The last stage done and its output: the checkpoint. */
  stage?: Stage;
  output?: unknown;
}

/**
 * Worker concurrency: clientflow's CONCURRENCY in cases 3 (1000) and 2 (10,000). One worker
 * process at 10,000 is what BullMQ allows (it fetches one job per free slot).
 */
const CONCURRENCY: Record<WorkloadName, number> = { throughput: 1_000, makespan: 10_000, latency: 1_000 };

const version = packageVersion('bullmq');

export function bullmq(prefix: string): Peer {
  return {
    label: `BullMQ ${version}`,
    settings: (w) => `one worker, concurrency ${CONCURRENCY[w]}; job.updateData after each stage`,
    async open(workload, delays, hooks) {
      const name = `workflows-${workload}`;
      // BullMQ's workers need maxRetriesPerRequest: null (their blocking calls must not time out).
      const connection = { ...REDIS, maxRetriesPerRequest: null };
      const queue = new Queue<WorkflowData>(name, { connection, prefix });
      const worker = new Worker<WorkflowData>(name, async (job: Job<WorkflowData>) => {
        const { clientId } = job.data;
        let { stage, output } = job.data;
        if (stage === undefined) hooks.started(clientId);
        // Resume after the checkpoint (all three stages on a first attempt).
        for (const next of STAGES.slice(stage === undefined ? 0 : STAGES.indexOf(stage) + 1)) {
          output = await runStage(next, clientId, output, delays);
          stage = next;
          await job.updateData({ clientId, stage, output });
        }
      }, { connection, prefix, concurrency: CONCURRENCY[workload] });
      worker.on('completed', () => hooks.finished(1));
      const failures: string[] = [];
      worker.on('failed', (_job, e) => failures.push(e.message));
      worker.on('error', (e) => failures.push(e.message));
      await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
      const meter = new Redis({ ...REDIS, maxRetriesPerRequest: 1 });
      const durability = await redisDurability(meter);
      return {
        durability,
        async enqueue(clientIds) {
          if (failures.length) throw new Error(`BullMQ: ${failures[0]}`);
          await queue.addBulk(clientIds.map((clientId) => ({ name: 'workflow', data: { clientId } })));
        },
        async serverCpu() {
          const before = await redisCpuUs(meter);
          return async () => (await redisCpuUs(meter)) - before;
        },
        async close() {
          // force: do not wait for jobs in flight (a timed-out run leaves many).
          await worker.close(true);
          await queue.close();
          meter.disconnect();
          await deleteRedisKeys(`${prefix}:${name}`);
          if (failures.length) throw new Error(`BullMQ: ${failures.length} failures, first: ${failures[0]}`);
        },
      };
    },
  };
}
