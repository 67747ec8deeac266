/**
 * pg-boss: three chained queues, one per stage. Each stage's worker is `transactional`: the
 * handler's writes — the next stage's jobs (carrying this stage's output) or, for the last
 * stage, the results — commit in the same transaction as the completion of the jobs it ran. That
 * is pg-boss's own way to make "stage done" and "next stage queued" one durable step, and the
 * closest to clientflow committing a stage's outcome before the next starts.
 *
 * pg-boss hands a handler a batch of jobs (`batchSize`), and `localConcurrency` batches run at
 * once per queue: so the jobs in flight per stage are batchSize × localConcurrency. Queues have
 * `notify: true` and the instance `useListenNotify`, so an idle worker is woken by a NOTIFY
 * rather than its poll (the poll stays as pg-boss's backstop, at its 0.5 s minimum).
 */
import { PgBoss, type Db, type Job } from 'pg-boss';
import { INSERT_RESULTS, openPgDatabase } from './pg-database.js';
import { runStage, STAGES } from './stages.js';
import { packageVersion, type Peer, type WorkloadName } from './workloads.js';

interface StageData {
  clientId: number;
  /** The previous stage's output (none for the first). */
  input?: unknown;
}

/**
 * Per stage queue. Throughput: 2 × 200 = 400 in flight per stage, 1,200 over the three: about
 * clientflow's CONCURRENCY=1000, in batches large enough that a commit covers many jobs.
 * Makespan: 10 × 1,000 = 10,000 per stage, all at once, as clientflow's CONCURRENCY=10000.
 */
const WORK: Record<WorkloadName, { batchSize: number; localConcurrency: number }> = {
  throughput: { batchSize: 200, localConcurrency: 2 },
  makespan: { batchSize: 1_000, localConcurrency: 10 },
  latency: { batchSize: 200, localConcurrency: 2 },
};

const version = packageVersion('pg-boss');
const queueOf = (stage: string) => `cf-${stage}`;

export function pgBoss(user: string, dbPrefix: string): Peer {
  return {
    label: `pg-boss ${version}`,
    settings: (w) => `3 chained queues, batchSize ${WORK[w].batchSize} × localConcurrency ${WORK[w].localConcurrency} per queue; transactional handlers; LISTEN/NOTIFY`,
    async open(workload, delays, hooks) {
      const db = await openPgDatabase(user, `${dbPrefix}_${workload}`, hooks.finished);
      const work = WORK[workload];
      // Each running batch holds a connection for its transaction; plus fetches and the listener.
      const boss = new PgBoss({ connectionString: db.url, max: STAGES.length * work.localConcurrency + 6, useListenNotify: true });
      const failures: string[] = [];
      let closing = false;
      boss.on('error', (e) => { if (!closing) failures.push(e.message); });
      try {
        await boss.start();
        for (const stage of STAGES) await boss.createQueue(queueOf(stage), { notify: true });
        for (const [i, stage] of STAGES.entries()) {
          const next = STAGES[i + 1];
          await boss.work(queueOf(stage), {
            ...work, transactional: true, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5,
          }, async (jobs: Job<StageData>[], tx: Db) => {
            if (i === 0) for (const job of jobs) hooks.started(job.data.clientId);
            // The batch's jobs run side by side, as they would with one job per handler.
            const outputs = await Promise.all(jobs.map((job) => runStage(stage, job.data.clientId, job.data.input, delays)));
            if (next) {
              await boss.insert(queueOf(next), jobs.map((job, k) => ({ data: { clientId: job.data.clientId, input: outputs[k] } })), { db: tx });
            } else {
              await tx.executeSql(INSERT_RESULTS, [jobs.map((job) => job.data.clientId), outputs.map((o) => JSON.stringify(o))]);
            }
          });
        }
      } catch (e) {
        closing = true;
        await boss.stop({ graceful: false, close: true }).catch(() => undefined);
        await db.drop();
        throw e;
      }
      return {
        async enqueue(clientIds) {
          if (failures.length) throw new Error(`pg-boss: ${failures[0]}`);
          await boss.insert(queueOf('fetch'), clientIds.map((clientId) => ({ data: { clientId } })));
        },
        serverCpu: () => db.serverCpu(),
        durability: db.durability,
        async close() {
          closing = true;
          await boss.stop({ graceful: false, close: true });
          await db.drop();
          if (failures.length) throw new Error(`pg-boss: ${failures.length} errors, first: ${failures[0]}`);
        },
      };
    },
  };
}
