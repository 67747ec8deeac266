/**
 * PROCESS_WORKERS: the process stage's CPU work in worker threads (piscina). Same results as
 * inline, on other threads, cancellable mid-task (the thread is terminated, the pool goes on),
 * closed with the service, and loadable from the compiled JavaScript as well as from the sources.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { threadId } from 'node:worker_threads';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { analyzeClient, synthesizeClient } from '../src/engine/stages/client-record.js';
import { createProcessPool } from '../src/engine/stages/process-pool.js';
import { defaultQuotas, checkBatchOptions } from '../src/http/quotas.js';
import { HttpError } from '../src/http/problem.js';
import { deferred, runBatch, startService, type TestService } from './helpers.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ZERO = { fetchMs: 0, processMs: 0, storeMs: 0 };

let services: TestService[] = [];
afterEach(async () => {
  await Promise.all(services.map((s) => s.close()));
  services = [];
});

async function service(options: Parameters<typeof startService>[0]): Promise<TestService> {
  const s = await startService(options);
  services.push(s);
  return s;
}

/** The batch's results by client id, without the store stage's timestamp. */
async function results(s: TestService, batchId: string): Promise<Record<string, unknown>> {
  const page = (await s.app.inject({ url: `/v1/batches/${batchId}/workflows?limit=1000` })).json<{
    items: Array<{ clientId: string | number; status: string; result: Record<string, unknown> | null }>;
  }>();
  return Object.fromEntries(page.items.map((w) => {
    const result = { ...w.result };
    delete result.storedAt;
    return [`${typeof w.clientId}:${w.clientId}`, { status: w.status, result }];
  }));
}

const cancel = (s: TestService, id: string) =>
  s.app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: { 'content-type': 'application/json' } });

/** Listens for the batch's end before acting, so a quick finish is not missed. */
function finished(s: TestService, batchId: () => string) {
  return s.waitFor((e) => e.type === 'batch.finished' && e.batchId === batchId());
}

describe('process stage in worker threads', () => {
  const clientIds = [...Array.from({ length: 40 }, (_, i) => i + 1), 'acme-7', '17', 'Ω'];

  it('gives the same results with PROCESS_WORKERS=2 as inline, computed on other threads', async () => {
    const seen: number[] = [];
    const threaded = await service({
      config: { PROCESS_WORKERS: 2, CONCURRENCY: 8 },
      processPool: createProcessPool(2, { onStart: (id) => seen.push(id) }),
    });
    const inline = await service({ config: { PROCESS_WORKERS: 0, CONCURRENCY: 8 } });
    const body = { clientIds, simulation: { ...ZERO, processCpuMs: 1 } };
    const a = await results(threaded, await runBatch(threaded, body));
    const b = await results(inline, await runBatch(inline, body));
    expect(Object.keys(a)).toHaveLength(clientIds.length);
    expect(Object.values(a).every((w) => (w as { status: string }).status === 'succeeded')).toBe(true);
    expect(a).toEqual(b);
    // Every client's analysis started on a worker thread, never on this (the event loop's) thread.
    expect(seen).toHaveLength(clientIds.length);
    expect(seen.every((id) => id !== threadId)).toBe(true);
  });

  it('runs inline on the event loop\'s thread with PROCESS_WORKERS=0', async () => {
    const seen: number[] = [];
    const pool = createProcessPool(0, { onStart: (id) => seen.push(id) });
    const report = await pool.analyze(synthesizeClient(5), new AbortController().signal, 1);
    expect(report.clientId).toBe(5);
    expect(seen).toEqual([threadId]);
  });

  it('cancels a batch mid-task promptly (the thread is terminated) and the pool runs the next batch', async () => {
    // One thread: a task left spinning would hold it for 10 minutes, and the second batch with it.
    const started = deferred<number>();
    const s = await service({
      config: { PROCESS_WORKERS: 1 },
      processPool: createProcessPool(1, { onStart: (id) => started.resolve(id) }),
    });
    let id = '';
    const done = finished(s, () => id);
    const res = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], simulation: { ...ZERO, processCpuMs: 600_000 } } });
    expect(res.statusCode).toBe(202);
    id = res.json<{ id: string }>().id;
    expect(await started.promise).not.toBe(threadId);
    expect((await cancel(s, id)).statusCode).toBe(202);
    await done;
    const batch = (await s.app.inject({ url: `/v1/batches/${id}` })).json<{ status: string; progress: { canceled: number } }>();
    expect(batch).toMatchObject({ status: 'canceled', progress: { canceled: 1 } });
    const next = await runBatch(s, { clientIds: [2, 3], simulation: { ...ZERO, processCpuMs: 1 } });
    expect((await s.app.inject({ url: `/v1/batches/${next}` })).json()).toMatchObject({ status: 'succeeded' });
  });

  it('ends a CPU task at its stage timeout: the attempt fails TIMEOUT and the thread is freed', async () => {
    const starts: number[] = [];
    const s = await service({ config: { PROCESS_WORKERS: 1 }, processPool: createProcessPool(1, { onStart: (id) => starts.push(id) }) });
    // A first batch brings the thread up, so the timed one starts at once, well within its timeout.
    await runBatch(s, { clientIds: [1], simulation: ZERO });
    const id = await runBatch(s, {
      clientIds: [2], simulation: { ...ZERO, processCpuMs: 600_000 }, timeouts: { processMs: 1_000 }, retry: { maxAttempts: 1 },
    });
    expect(starts).toHaveLength(2);
    const page = (await s.app.inject({ url: `/v1/batches/${id}/workflows` })).json<{ items: Array<{ status: string; error: unknown }> }>();
    expect(page.items[0]).toMatchObject({ status: 'failed', error: { stage: 'process', code: 'TIMEOUT' } });
    const next = await runBatch(s, { clientIds: [3], simulation: ZERO });
    expect((await s.app.inject({ url: `/v1/batches/${next}` })).json()).toMatchObject({ status: 'succeeded' });
  });

  it('cancels a long inline CPU task too (it runs in slices between which the signal is read)', async () => {
    const started = deferred<number>();
    const s = await service({ config: { PROCESS_WORKERS: 0 }, processPool: createProcessPool(0, { onStart: (id) => started.resolve(id) }) });
    let id = '';
    const done = finished(s, () => id);
    id = (await s.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1], simulation: { ...ZERO, processCpuMs: 600_000 } } }))
      .json<{ id: string }>().id;
    expect(await started.promise).toBe(threadId);
    expect((await cancel(s, id)).statusCode).toBe(202);
    await done;
    expect((await s.app.inject({ url: `/v1/batches/${id}` })).json()).toMatchObject({ status: 'canceled' });
  });

  it('a queued task leaves the queue when its signal aborts, without ever running', async () => {
    const starts: number[] = [];
    const firstStarted = deferred();
    const pool = createProcessPool(1, { onStart: (id) => { starts.push(id); firstStarted.resolve(); } });
    try {
      const first = new AbortController();
      const busy = pool.analyze(synthesizeClient(1), first.signal, 600_000);
      busy.catch(() => undefined);
      await firstStarted.promise;
      // The only thread is busy: this one waits in the queue until its signal aborts.
      const second = new AbortController();
      const queued = pool.analyze(synthesizeClient(2), second.signal, 0);
      second.abort();
      await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
      first.abort();
      await expect(busy).rejects.toMatchObject({ name: 'AbortError' });
      await expect(pool.analyze(synthesizeClient(3), new AbortController().signal)).resolves.toMatchObject({ clientId: 3 });
      expect(starts).toHaveLength(2); // the first and the third: the second never ran
    } finally {
      await pool.close();
    }
  });

  it.runIf(process.platform === 'linux')('the service closes the pool on stop: its threads are gone', async () => {
    // Node names each worker thread "WorkerThread" (/proc shows this process's threads).
    const workerThreads = () => readdirSync('/proc/self/task')
      .filter((t) => readFileSync(`/proc/self/task/${t}/comm`, 'utf8').trim() === 'WorkerThread').length;
    const before = workerThreads();
    const s = await startService({ config: { PROCESS_WORKERS: 2 } });
    await runBatch(s, { clientIds: [1, 2, 3], simulation: { ...ZERO, processCpuMs: 1 } });
    expect(workerThreads()).toBeGreaterThanOrEqual(before + 2);
    await s.close();
    expect(workerThreads()).toBe(before);
  });

  it('loads its worker from compiled JavaScript (as `npm start` runs dist/), without tsx', async () => {
    // The stage modules the pool and its worker load, transpiled as tsc would into a dist-like
    // folder inside the checkout (so `piscina` resolves from node_modules).
    const artifacts = join(ROOT, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    const out = mkdtempSync(join(artifacts, 'dist-'));
    try {
      for (const name of ['process-pool', 'process-worker', 'client-record', 'cpu-work']) {
        const source = readFileSync(join(ROOT, 'src/engine/stages', `${name}.ts`), 'utf8');
        const { outputText } = ts.transpileModule(source, {
          compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
          fileName: `${name}.ts`,
        });
        writeFileSync(join(out, `${name}.js`), outputText);
      }
      writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
      const script = `
        import { createRequire } from 'node:module';
        import { threadId } from 'node:worker_threads';
        import { createProcessPool } from './process-pool.js';
        import { synthesizeClient } from './client-record.js';
        const threads = [];
        const pool = createProcessPool(2, { onStart: (id) => threads.push(id) });
        const report = await pool.analyze(synthesizeClient(7), new AbortController().signal, 5);
        await pool.close();
        // piscina require()s the worker first: it must refuse, so that the worker is import()ed
        // (Node 24 aborts the process when a thread loading a require()d ES module is terminated).
        let required = 'loaded';
        try { createRequire(import.meta.url)('./process-worker.js'); } catch (error) { required = error.code; }
        // Pools closed while their fresh threads still load the worker: none may abort the process.
        for (let i = 0; i < 300; i++) {
          const closing = createProcessPool(2);
          if (i % 2) await closing.analyze(synthesizeClient(i), new AbortController().signal, 0);
          await closing.close();
        }
        console.log(JSON.stringify({ report, main: threadId, threads, required }));
      `;
      writeFileSync(join(out, 'main.mjs'), script);
      // Plain node: no tsx loader in the process or its workers. It must also exit by itself
      // once the pool is closed (no thread left holding it).
      const child = spawn(process.execPath, [join(out, 'main.mjs')], { cwd: out, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const got = JSON.parse(stdout) as { report: unknown; main: number; threads: number[]; required: string };
      expect(got.required).toBe('ERR_REQUIRE_ASYNC_MODULE');
      expect(got.report).toEqual(analyzeClient(synthesizeClient(7)));
      expect(got.threads).toHaveLength(1);
      expect(got.threads[0]).not.toBe(got.main);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('processCpuMs and PROCESS_WORKERS', () => {
  it('bounds simulation.processCpuMs by the tenant\'s maxCpuMs and maxDelayMs (403 naming it)', () => {
    expect(defaultQuotas(loadConfig({})).maxCpuMs).toBe(0);
    const quotas = { ...defaultQuotas(loadConfig({})), maxDelayMs: 1_000, maxCpuMs: 5_000 };
    expect(() => checkBatchOptions({ clientIds: [1], simulation: { processCpuMs: 1_000 } }, quotas, true, 'default')).not.toThrow();
    let error: unknown;
    try {
      checkBatchOptions({ clientIds: [1], simulation: { processCpuMs: 1_001 } }, quotas, true, 'default');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).errors?.map((e) => e.path)).toEqual(['/body/simulation/processCpuMs']);
  });

  it('PROCESS_WORKERS is an integer ≥ 0, default 0', () => {
    expect(loadConfig({}).PROCESS_WORKERS).toBe(0);
    expect(loadConfig({ PROCESS_WORKERS: '3' }).PROCESS_WORKERS).toBe(3);
    expect(() => loadConfig({ PROCESS_WORKERS: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ PROCESS_WORKERS: 'two' })).toThrow(/PROCESS_WORKERS/);
  });
});
