/**
 * graphile-worker: three chained tasks, one per stage. A stage's task ends by adding the next
 * stage's job (its payload carries this stage's output) with `helpers.addJob`, the way its docs
 * chain work; the last stage inserts the result into a table through `helpers.query`. A job is
 * deleted when it completes, so those writes are the checkpoints. They are not in the completion's
 * transaction (graphile-worker completes a job after its task returns): a crash between the two
 * would run a stage again.
 *
 * Later stages get a higher priority (graphile-worker runs the numerically lowest first), so a
 * started workflow finishes before new ones start, as clientflow's runner runs a workflow's stages
 * back to back; with one FIFO for all three tasks, no workflow would finish until every fetch had
 * run, and a time-bounded run would count none.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger, makeWorkerUtils, run, type JobHelpers, type Runner, type TaskList, type WorkerUtils } from 'graphile-worker';
import { INSERT_RESULTS, openPgDatabase } from './pg-database.js';
import { runStage, STAGES } from './stages.js';
import { packageVersion, type Peer, type WorkloadName } from './workloads.js';

interface StageData {
  clientId: number;
  input?: unknown;
}

/**
 * Jobs run at once, and the pool's connections. graphile-worker advises a pool of at least
 * concurrency + 2, and PostgreSQL here allows 100 connections. Throughput uses 16 jobs on 18
 * connections, the best of 8, 16, 32 and 64 measured here: its per-job round trips and commits,
 * not its concurrency, are the limit, and more jobs at once only contend. The
 * makespan case must sleep 10,000 jobs at once, which only a local queue makes possible: the pool
 * fetches and locks jobs in batches (`localQueue`) and completions are batched
 * (`completeJobBatchDelay`), so sleeping jobs hold no connection.
 */
const SETTINGS: Record<WorkloadName, { concurrency: number; pool: number; localQueue: number; completeJobBatchDelay: number }> = {
  throughput: { concurrency: 16, pool: 18, localQueue: -1, completeJobBatchDelay: -1 },
  makespan: { concurrency: 10_000, pool: 40, localQueue: 1_000, completeJobBatchDelay: 0 },
  latency: { concurrency: 16, pool: 18, localQueue: -1, completeJobBatchDelay: -1 },
};

const version = packageVersion('graphile-worker');
const taskOf = (stage: string) => `cf_${stage}`;

export function graphileWorker(user: string, dbPrefix: string): Peer {
  return {
    label: `graphile-worker ${version}`,
    settings: (w) => {
      const s = SETTINGS[w];
      return `3 chained tasks, concurrency ${s.concurrency}, pool ${s.pool}${s.localQueue > 0 ? `, localQueue ${s.localQueue}, completeJobBatchDelay ${s.completeJobBatchDelay}` : ''}; later stages first`;
    },
    async open(workload, delays, hooks) {
      const db = await openPgDatabase(user, `${dbPrefix}_${workload}`, hooks.finished);
      const s = SETTINGS[workload];
      const errors: string[] = [];
      let closing = false;
      // Errors only: at info graphile-worker logs every job (NO_LOG_SUCCESS, set by the parent,
      // drops the per-job success line before it is formatted), and its one warning here is the
      // advice on pool size that the makespan case's local queue answers.
      const logger = new Logger(() => (level, message) => {
        if (!closing && level === 'error') errors.push(message);
      });
      let utils: WorkerUtils | undefined;
      let runner: Runner | undefined;
      try {
        utils = await makeWorkerUtils({ connectionString: db.url, logger });
        await utils.migrate();
        const taskList: TaskList = Object.fromEntries(STAGES.map((stage, i) => [taskOf(stage), async (payload: unknown, helpers: JobHelpers) => {
          const { clientId, input } = payload as StageData;
          if (i === 0) hooks.started(clientId);
          const output = await runStage(stage, clientId, input, delays);
          const next = STAGES[i + 1];
          if (next) await helpers.addJob(taskOf(next), { clientId, input: output } satisfies StageData, { priority: -(i + 1) });
          else await helpers.query(INSERT_RESULTS, [[clientId], [JSON.stringify(output)]]);
        }]));
        runner = await run({
          connectionString: db.url, concurrency: s.concurrency, maxPoolSize: s.pool, noHandleSignals: true, logger,
          taskList, crontab: '',
          preset: { worker: { ...(s.localQueue > 0 ? { localQueue: { size: s.localQueue } } : {}), completeJobBatchDelay: s.completeJobBatchDelay } },
        });
      } catch (e) {
        closing = true;
        await Promise.resolve(runner?.kill()).catch(() => undefined);
        await Promise.resolve(utils?.release()).catch(() => undefined);
        await db.drop();
        throw e;
      }
      const started = { runner, utils };
      return {
        async enqueue(clientIds) {
          if (errors.length) throw new Error(`graphile-worker: ${errors[0]}`);
          await started.utils.addJobs(clientIds.map((clientId) => ({ identifier: taskOf('fetch'), payload: { clientId } })));
        },
        serverCpu: () => db.serverCpu(),
        durability: db.durability,
        async close() {
          closing = true;
          // stop() waits for the running jobs and the completions not yet written, never for the
          // backlog; bounded, as it was seen to hang after a cut run. This process ends right after
          // and the parent drops the database either way.
          await Promise.race([started.runner.stop().catch(() => undefined), sleep(10_000)]);
          await Promise.race([Promise.resolve(started.utils.release()).catch(() => undefined), sleep(5_000)]);
          await db.drop();
          if (errors.length) throw new Error(`graphile-worker: ${errors.length} errors, first: ${errors[0]}`);
        },
      };
    },
  };
}
