/**
 * Replicas of the service on one PostgreSQL: any replica answers anything. An api-only replica
 * accepts a batch, a worker replica runs it, and the api replica streams it live and answers its
 * long-poll; a cancel sent to one replica stops the workflow another one runs. Every replica polls
 * only once a minute here, so what reaches it in time came by LISTEN/NOTIFY.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import type { EngineEvent } from '../src/engine/events.js';
import type { StageHandler, StageHandlers } from '../src/engine/stages/stage.js';
import { STAGES } from '../src/model/statuses.js';
import { createService, type Service } from '../src/service.js';
import { deferred } from './helpers.js';
import { useTestDatabase } from './postgres/database.js';

const db = useTestDatabase();

const running: Service[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A replica listening on 127.0.0.1, on this test's schema. */
async function replica(mode: Config['RUN_MODE'], schema: string, handlers?: StageHandlers): Promise<{ service: Service; base: string }> {
  const config = loadConfig({}, {
    DATABASE_URL: db.url(), DB_SCHEMA: schema, RUN_MODE: mode, LOG_LEVEL: 'silent', FETCH_MS: 2, PROCESS_MS: 3, STORE_MS: 1,
    POLL_MS: 60_000, SHUTDOWN_GRACE_MS: 1_000,
  });
  const service = await createService(config, { logger: pino({ level: 'silent' }), engine: handlers ? { handlers } : {} });
  running.push(service);
  service.app.addHook('preClose', async () => service.app.server.closeAllConnections());
  const base = await service.app.listen({ host: '127.0.0.1', port: 0 });
  await service.start();
  return { service, base };
}

/** Stage handlers that finish at once, except that fetch waits until `release()` (or its abort). */
function gated(): { handlers: StageHandlers; release: () => void } {
  const gate = deferred();
  const make = (name: (typeof STAGES)[number]): StageHandler => ({
    name,
    async run(_input, ctx) {
      if (name === 'fetch') {
        await new Promise<void>((resolve, reject) => {
          void gate.promise.then(resolve);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error), { once: true });
        });
      }
      return { done: name };
    },
  });
  return { handlers: Object.fromEntries(STAGES.map((s) => [s, make(s)])) as StageHandlers, release: () => gate.resolve() };
}

function when(service: Service, match: (e: EngineEvent) => boolean): Promise<EngineEvent> {
  return new Promise((resolve) => {
    const off = service.engine.events.on((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
}

async function post(base: string, body: unknown): Promise<string> {
  const res = await fetch(`${base}/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

describe('replicas on one PostgreSQL', () => {
  it('an api replica accepts a batch, a worker runs it, and the api replica streams it live to the end', async () => {
    const schema = db.schema('replicas');
    const gate = gated();
    const worker = await replica('worker', schema, gate.handlers);
    const api = await replica('api', schema);
    // The worker serves only health and metrics.
    expect((await fetch(`${worker.base}/v1/batches`)).status).toBe(404);
    expect((await fetch(`${worker.base}/readyz`)).status).toBe(200);

    const started = when(worker.service, (e) => e.type === 'stage.started');
    const id = await post(api.base, { clientIds: [1, 2, 3] });
    await started;
    const res = await fetch(`${api.base}/v1/batches/${id}/events`);
    const messages: EventSourceMessage[] = [];
    const parser = createParser({ onEvent: (m) => messages.push(m) });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    // The first message (progress) is out: the stream is open. Only now may the batch go on.
    const first = await reader.read();
    parser.feed(first.value ?? '');
    const longPoll = fetch(`${api.base}/v1/batches/${id}?wait=30`).then((r) => r.json() as Promise<{ status: string }>);
    gate.release();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) parser.feed(chunk.value);

    const events = messages.filter((m) => m.id !== undefined);
    // Numbered per batch: 1, 2, 3 … with nothing missing, ending with the finish.
    expect(events.map((m) => Number(m.id))).toEqual(events.map((_, i) => i + 1));
    expect(events[0]!.event).toBe('batch.created');
    expect(events.at(-1)!.event).toBe('batch.finished');
    expect(events.filter((m) => m.event === 'workflow.finished')).toHaveLength(3);
    expect(events.filter((m) => m.event === 'stage.succeeded')).toHaveLength(9);
    expect((await longPoll).status).toBe('succeeded');
  });

  it('a cancel sent to one replica stops the workflow another one runs', async () => {
    const schema = db.schema('replicas');
    const worker = await replica('worker', schema, gated().handlers);
    const api = await replica('api', schema);
    const started = when(worker.service, (e) => e.type === 'stage.started');
    const finished = when(worker.service, (e) => e.type === 'workflow.finished');
    const id = await post(api.base, { clientIds: ['x'] });
    await started;
    const res = await fetch(`${api.base}/v1/batches/${id}/cancel`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(202);
    expect(await finished).toMatchObject({ type: 'workflow.finished', status: 'canceled' });
    const batch = (await (await fetch(`${api.base}/v1/batches/${id}`)).json()) as { status: string; progress: { canceled: number } };
    expect(batch).toMatchObject({ status: 'canceled', progress: { canceled: 1 } });
  });
});
