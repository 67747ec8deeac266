/**
 * clientflow itself, for the one figure the engine cases lack: POST → first stage start. The
 * service is built as src/server.ts builds it, from dist/ (createService, default config, DB_SYNC=full, a
 * SQLite file in a temp dir, LOG_LEVEL=warn) and listens on 127.0.0.1; the only change is the
 * fetch handler, wrapped to note when it starts before running the real one (createService's
 * `engine.handlers` override). Each sample is a real `POST /v1/batches` with one id over HTTP from
 * this same process — as each peer's producer shares its worker's process — so the figure
 * includes the HTTP request and the batch's admission, whose transaction also claims its work
 * (the stage starts at that commit); the runner does not wait for the stage-start record. Zero
 * stage delays (`simulation`) only make the workflow finish at once.
 */
import { join } from 'node:path';
import { Pool } from 'undici';
import { deployed } from '../deployed.js';
import type { Peer } from './workloads.js';

export function clientflow(dir: string): Peer {
  return {
    label: 'clientflow',
    settings: () => 'the service as deployed (default config, CONCURRENCY 50, DB_SYNC=full); HTTP POST of 1 id',
    async open(workload, _delays, hooks) {
      if (workload !== 'latency') throw new Error(`clientflow runs ${workload} as its own case`);
      const { loadConfig } = await deployed<typeof import('../../src/config.js')>('config.js');
      const { defaultStages } = await deployed<typeof import('../../src/engine/stages/default-stages.js')>('engine/stages/default-stages.js');
      const { createLogger } = await deployed<typeof import('../../src/logger.js')>('logger.js');
      const { createService } = await deployed<typeof import('../../src/service.js')>('service.js');
      const { openStore } = await deployed<typeof import('../../src/store/index.js')>('store/index.js');
      const config = loadConfig({ DB_PATH: join(dir, 'latency.db'), LOG_LEVEL: 'warn', SHUTDOWN_GRACE_MS: '1000' });
      const store = await openStore(config);
      const stages = defaultStages({ fetchMs: config.FETCH_MS, processMs: config.PROCESS_MS, storeMs: config.STORE_MS });
      const handlers = {
        ...stages,
        fetch: {
          name: 'fetch' as const,
          run(input: unknown, ctx: Parameters<typeof stages.fetch.run>[1]) {
            hooks.started(Number(ctx.clientId));
            return stages.fetch.run(input, ctx);
          },
        },
      };
      // tty=false: JSON lines into the pipe, never a pino-pretty worker competing for CPU.
      const service = await createService(config, { logger: createLogger(config, false), store, engine: { handlers } });
      const off = service.engine.events.on((e) => { if (e.type === 'batch.finished') hooks.finished(1); });
      await service.start();
      const base = await service.app.listen({ host: '127.0.0.1', port: 0 });
      // undici's own request API on one kept-alive connection, as a service client would use it:
      // the fetch API on top of it builds WHATWG streams and headers per call, on this same core.
      const client = new Pool(base, { connections: 1 });
      return {
        async enqueue(clientIds) {
          const res = await client.request({
            path: '/v1/batches', method: 'POST', headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ clientIds, simulation: { fetchMs: 0, processMs: 0, storeMs: 0 } }),
          });
          await res.body.dump();
          if (res.statusCode !== 202) throw new Error(`POST /v1/batches answered ${res.statusCode}`);
        },
        // SQLite runs inside this process: its CPU is already in the process's own figure.
        serverCpu: async () => async () => null,
        durability: `SQLite DB_SYNC=${config.DB_SYNC}`,
        async close() {
          off();
          await client.close();
          await service.stop();
        },
      };
    },
  };
}
