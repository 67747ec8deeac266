/**
 * Watching a batch: the SSE stream (order, ids, resume, end, heartbeats, cleanup) read with
 * clients written elsewhere (eventsource, eventsource-parser), and the `?wait=` long-poll.
 */
import type { ServerResponse } from 'node:http';
import { EventSource } from 'eventsource';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { mintKey } from '../src/model/api-keys.js';
import { KEY_REVOKED, Watchers, watchCap } from '../src/http/watchers.js';
import { PassThrough } from 'node:stream';
import type { StageHandler, StageHandlers } from '../src/engine/stages/stage.js';
import { STAGES } from '../src/model/statuses.js';
import { startService, runBatch, type TestService } from './helpers.js';
import { useStores } from './stores.js';

const stores = useStores();

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

async function listening(options: Parameters<typeof startService>[0] = {}): Promise<{ s: TestService; base: string }> {
  service = await stores.start(options);
  const address = await service.app.listen({ host: '127.0.0.1', port: 0 });
  return { s: service, base: address };
}

/** Stage handlers that finish at once, except that fetch waits until `release()`. */
function gated(): { handlers: StageHandlers; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const make = (name: (typeof STAGES)[number]): StageHandler => ({
    name,
    async run(_input, ctx) {
      if (name === 'fetch') {
        await new Promise<void>((resolve, reject) => {
          void gate.then(resolve);
          ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason), { once: true });
        });
      }
      return { done: name };
    },
  });
  return { handlers: Object.fromEntries(STAGES.map((s) => [s, make(s)])) as StageHandlers, release };
}

async function postBatch(base: string, body: unknown): Promise<string> {
  const res = await fetch(`${base}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

/** Reads a whole event stream (it must end by itself) with a parser written elsewhere. */
async function readStream(url: string, headers: Record<string, string> = {}): Promise<{ res: Response; messages: EventSourceMessage[] }> {
  const res = await fetch(url, { headers });
  const messages: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (m) => messages.push(m) });
  parser.feed(await res.text());
  return { res, messages };
}

const withIds = (messages: EventSourceMessage[]) => messages.filter((m) => m.id !== undefined);
const data = (m: EventSourceMessage) => JSON.parse(m.data) as Record<string, unknown>;

stores.describe('GET /v1/batches/{id}/events', () => {
  it('streams a batch in order with increasing ids, progress messages, and ends after batch.finished', async () => {
    const { s, base } = await listening();
    const id = await runBatch(s, { clientIds: [1, 2, 3] });
    const { res, messages } = await readStream(`${base}/v1/batches/${id}/events`);

    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(messages[0]!.event).toBe('batch.progress');
    expect(messages.at(-1)).toMatchObject({ event: 'batch.progress' });
    expect(data(messages.at(-1)!)).toMatchObject({ status: 'succeeded', progress: { succeeded: 3, percent: 100 } });

    const events = withIds(messages);
    const ids = events.map((m) => Number(m.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(events[0]!.event).toBe('batch.created');
    expect(events.at(-1)!.event).toBe('batch.finished');
    // Like every time in the API, `at` is ISO-8601 UTC with milliseconds.
    for (const m of messages) expect(data(m).at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const m of events) expect(data(m)).toMatchObject({ type: m.event, batchId: id, id: Number(m.id) });

    // Per workflow: each stage starts then succeeds, in stage order, then the workflow finishes.
    const byWorkflow = new Map<string, string[]>();
    for (const m of events) {
      const d = data(m);
      if (typeof d.workflowId !== 'string') continue;
      const list = byWorkflow.get(d.workflowId) ?? [];
      list.push(d.stage ? `${m.event} ${String(d.stage)}` : String(m.event));
      byWorkflow.set(d.workflowId, list);
    }
    expect(byWorkflow.size).toBe(3);
    for (const list of byWorkflow.values()) {
      expect(list).toEqual([
        'stage.started fetch', 'stage.succeeded fetch', 'stage.started process', 'stage.succeeded process',
        'stage.started store', 'stage.succeeded store', 'workflow.finished',
      ]);
    }
    expect(events.filter((m) => m.event === 'batch.started')).toHaveLength(1);
  });

  it('Last-Event-ID replays exactly the events after it', async () => {
    const { s, base } = await listening();
    const id = await runBatch(s, { clientIds: ['a', 'b'] });
    const all = withIds((await readStream(`${base}/v1/batches/${id}/events`)).messages);
    const from = all[4]!.id!;
    const resumed = withIds((await readStream(`${base}/v1/batches/${id}/events`, { 'last-event-id': from })).messages);
    expect(resumed.map((m) => m.id)).toEqual(all.slice(5).map((m) => m.id));
    // Resuming after the end of a finished batch: 204, which tells an EventSource to stop
    // reconnecting; one event before the end still replays it.
    const past = await fetch(`${base}/v1/batches/${id}/events`, { headers: { 'last-event-id': all.at(-1)!.id! } });
    expect(past.status).toBe(204);
    const last = await readStream(`${base}/v1/batches/${id}/events`, { 'last-event-id': all.at(-2)!.id! });
    expect(withIds(last.messages).map((m) => m.event)).toEqual(['batch.finished']);
  });

  it('an EventSource client that drops mid-batch and resumes sees every event exactly once', async () => {
    const { handlers, release } = gated();
    const { base } = await listening({ engine: { handlers } });
    const id = await postBatch(base, { clientIds: [1, 2, 3] });

    // A real EventSource client, live while the batch runs; it stops after three events.
    const seen: string[] = [];
    const es = new EventSource(`${base}/v1/batches/${id}/events`);
    await new Promise<void>((resolve, reject) => {
      for (const type of ['batch.created', 'stage.started', 'batch.started']) {
        es.addEventListener(type, (m) => {
          seen.push(m.lastEventId);
          if (seen.length === 3) resolve();
        });
      }
      es.onerror = () => reject(new Error('event stream failed'));
    });
    es.close();
    release();

    const rest = withIds((await readStream(`${base}/v1/batches/${id}/events`, { 'last-event-id': seen.at(-1)! })).messages);
    const all = withIds((await readStream(`${base}/v1/batches/${id}/events`)).messages);
    expect([...seen, ...rest.map((m) => m.id)]).toEqual(all.map((m) => m.id));
    expect(all.at(-1)!.event).toBe('batch.finished');
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const { handlers, release } = gated();
    const { base } = await listening({ engine: { handlers }, config: { SSE_HEARTBEAT_MS: 20 } });
    const id = await postBatch(base, { clientIds: [1] });
    const controller = new AbortController();
    const res = await fetch(`${base}/v1/batches/${id}/events`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes(': heartbeat')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended before a heartbeat');
      text += new TextDecoder().decode(value);
    }
    controller.abort();
    release();
  });

  it('200 connect/disconnect cycles leave no listener behind', async () => {
    const { handlers, release } = gated();
    const { s, base } = await listening({ engine: { handlers } });
    const id = await postBatch(base, { clientIds: [1, 2] });
    const before = s.engine.events.listenerCount;
    for (let i = 0; i < 200; i += 1) {
      const controller = new AbortController();
      const res = await fetch(`${base}/v1/batches/${id}/events`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read(); // the first progress message: the stream is subscribed
      controller.abort();
      await reader.cancel().catch(() => undefined);
    }
    // The server notices each disconnect on its own turn, after the store query a stream may have
    // in flight (a PostgreSQL round trip): wait (bounded, 10 s) until all are gone.
    for (let tries = 0; s.engine.events.listenerCount.batches !== before.batches; tries += 1) {
      if (tries > 2_000) throw new Error(`listeners left: ${JSON.stringify(s.engine.events.listenerCount)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(s.engine.events.listenerCount).toEqual(before);
    release();
  });

  it('closing the server ends open streams and long-polls instead of waiting for them', async () => {
    const { handlers } = gated();
    const { s, base } = await listening({ engine: { handlers } });
    const id = await postBatch(base, { clientIds: [1] });
    const stream = await fetch(`${base}/v1/batches/${id}/events`);
    const body = stream.text();
    const poll = fetch(`${base}/v1/batches/${id}?wait=60`);
    await new Promise((resolve) => setImmediate(resolve));
    await s.engine.stop();
    await s.app.close();
    await expect(body).resolves.toContain('event: batch.progress');
    expect((await poll).status).toBe(200);
    await s.store.close();
    service = undefined;
  });

  it('answers problem+json for an unknown batch and a malformed Last-Event-ID', async () => {
    const { s } = await listening();
    const missing = await s.app.inject({ url: '/v1/batches/00000000-0000-4000-8000-000000000000/events' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const id = await runBatch(s, { clientIds: [1] });
    const bad = await s.app.inject({ url: `/v1/batches/${id}/events`, headers: { 'last-event-id': 'abc' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ status: 400, detail: expect.stringContaining('last-event-id') });
    // An id of another batch's event would skip some of this one's: refused, not guessed at. Its
    // last one, of a bigger batch: PostgreSQL numbers events per batch, so that id is past the
    // end of this batch there, and another batch's id in SQLite's one sequence.
    const other = await runBatch(s, { clientIds: [2, 3, 4] });
    const foreign = (await s.store.listEvents(other, 0, 1_000))!.at(-1)!.id;
    const wrong = await s.app.inject({ url: `/v1/batches/${id}/events`, headers: { 'last-event-id': String(foreign) } });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ type: 'https://clientflow.dev/problems/invalid-last-event-id' });
  });

  it('answers 503 past SSE_MAX_STREAMS', async () => {
    const { handlers, release } = gated();
    const { base } = await listening({ engine: { handlers }, config: { SSE_MAX_STREAMS: 1 } });
    const id = await postBatch(base, { clientIds: [1] });
    const controller = new AbortController();
    const first = await fetch(`${base}/v1/batches/${id}/events`, { signal: controller.signal });
    await first.body!.getReader().read();
    const second = await fetch(`${base}/v1/batches/${id}/events`);
    expect(second.status).toBe(503);
    expect(second.headers.get('retry-after')).toBe('5');
    controller.abort();
    release();
  });

  it('HEAD answers the headers and holds no stream open (a HEAD client reads no body)', async () => {
    const { handlers, release } = gated();
    service = await stores.start({ engine: { handlers }, config: { SSE_MAX_STREAMS: 1 } });
    const posted = await service.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1] } });
    const id = (posted.json() as { id: string }).id;
    const head = await service.app.inject({ method: 'HEAD', url: `/v1/batches/${id}/events`, payloadAsStream: true });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    // The only slot is still free: a stream opens.
    const stream = await service.app.inject({ url: `/v1/batches/${id}/events`, payloadAsStream: true });
    expect(stream.statusCode).toBe(200);
    stream.stream().on('error', () => {});
    (stream.raw.res as ServerResponse).destroy();
    release();
  });
});

stores.describe('GET /v1/batches/{id}?wait=', () => {
  it('answers as soon as the batch finishes', async () => {
    const { handlers, release } = gated();
    const { base } = await listening({ engine: { handlers } });
    const id = await postBatch(base, { clientIds: [1, 2] });
    const answer = fetch(`${base}/v1/batches/${id}?wait=60`).then(async (r) => ({ status: r.status, body: await r.json() }));
    let answered = false;
    void answer.then(() => {
      answered = true;
    });
    const now = await fetch(`${base}/v1/batches/${id}`);
    expect(((await now.json()) as { status: string }).status).not.toBe('succeeded');
    expect(answered).toBe(false);
    release();
    expect(await answer).toMatchObject({ status: 200, body: { status: 'succeeded', progress: { percent: 100 } } });
  });

  it('hears a finish published between its read and its subscription (a concurrent cancel)', async () => {
    // Not started: the workflows stay queued, so the cancel finishes the batch in its own commit.
    const { s } = await listening({ start: false });
    const { batch } = await s.store.createBatch({
      clientIds: [1, 2], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null, callbackUrl: null,
    }, Date.now());
    // Sent together, as two clients would: a missed finish would hold the poll for 60 s (test timeout).
    const [poll, cancel] = await Promise.all([
      s.app.inject({ url: `/v1/batches/${batch.id}?wait=60` }),
      s.app.inject({ method: 'POST', url: `/v1/batches/${batch.id}/cancel`, headers: { 'content-type': 'application/json' } }),
    ]);
    expect(cancel.statusCode).toBe(202);
    expect(poll.json()).toMatchObject({ status: 'canceled' });
  });

  it('a client that leaves frees its listener and its slot at once', async () => {
    const { handlers, release } = gated();
    const { s, base } = await listening({ engine: { handlers }, config: { SSE_MAX_STREAMS: 1 } });
    const id = await postBatch(base, { clientIds: [1] });
    const controller = new AbortController();
    const poll = fetch(`${base}/v1/batches/${id}?wait=60`, { signal: controller.signal }).catch(() => undefined);
    for (let i = 0; s.engine.events.listenerCount.batches === 0; i += 1) {
      if (i > 10_000) throw new Error('the long-poll never subscribed');
      await new Promise((resolve) => setImmediate(resolve));
    }
    controller.abort();
    await poll;
    for (let i = 0; s.engine.events.listenerCount.batches > 0; i += 1) {
      if (i > 10_000) throw new Error('the long-poll kept its listener');
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Its slot is free again: the one stream allowed opens.
    const stream = new AbortController();
    const res = await fetch(`${base}/v1/batches/${id}/events`, { signal: stream.signal });
    expect(res.status).toBe(200);
    stream.abort();
    release();
  });

  it('answers at once for a finished batch, and with the batch as it is when the wait runs out', async () => {
    const { handlers, release } = gated();
    const { s, base } = await listening({ engine: { handlers } });
    const running = await postBatch(base, { clientIds: [1] });
    const expired = await fetch(`${base}/v1/batches/${running}?wait=1`);
    expect(((await expired.json()) as { status: string }).status).toBe('running');
    release();
    const done = await runBatch(s, { clientIds: [2] });
    const res = await s.app.inject({ url: `/v1/batches/${done}?wait=60` });
    expect(res.json()).toMatchObject({ status: 'succeeded' });
    for (const wait of ['61', '-1', 'x']) {
      const bad = await s.app.inject({ url: `/v1/batches/${done}?wait=${wait}` });
      expect(bad.statusCode).toBe(400);
    }
  });
});

/** A key of `tenant` in the service's store, as the header to send. */
async function bearer(s: TestService, tenant: string): Promise<Record<string, string>> {
  const { id, key, hash } = mintKey();
  await s.store.createKey({ id, hash, tenant, admin: false, label: null, createdAt: Date.now(), revokedAt: null });
  return { authorization: `Bearer ${key}` };
}

describe('streams and long-polls shared fairly', () => {
  it('a tenant holds at most its maxStreams: past them 429 naming it (a stream, a long-poll, an export), while another tenant still opens its own', async () => {
    const { handlers, release } = gated();
    const { s, base } = await listening({ engine: { handlers }, config: { AUTH: 'required', TENANT_MAX_STREAMS: 2 } });
    const acme = await bearer(s, 'acme');
    const globex = await bearer(s, 'globex');
    const submit = async (headers: Record<string, string>) => {
      const res = await s.app.inject({ method: 'POST', url: '/v1/batches', headers, payload: { clientIds: [1] } });
      return (res.json() as { id: string }).id;
    };
    const mine = await submit(acme);
    const theirs = await submit(globex);
    const controller = new AbortController();
    const open = async (id: string, headers: Record<string, string>) => {
      const res = await fetch(`${base}/v1/batches/${id}/events`, { headers, signal: controller.signal });
      if (res.status === 200) await res.body!.getReader().read();
      return res;
    };
    expect((await open(mine, acme)).status).toBe(200);
    expect((await open(mine, acme)).status).toBe(200);
    const third = await open(mine, acme);
    expect(third.status).toBe(429);
    expect(third.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await third.json()) as { type: string; detail: string })).toMatchObject({
      type: 'https://clientflow.dev/problems/too-many-streams', detail: expect.stringContaining('maxStreams'),
    });
    const poll = await s.app.inject({ url: `/v1/batches/${mine}?wait=1`, headers: acme });
    expect(poll.statusCode).toBe(429);
    // An export holds a connection as long as a stream: it counts against the same quota.
    const exported = await s.app.inject({ url: `/v1/batches/${mine}/results`, headers: acme });
    expect(exported.statusCode).toBe(429);
    expect(exported.json()).toMatchObject({ type: 'https://clientflow.dev/problems/too-many-streams' });
    // The other tenant is not affected: its stream opens.
    expect((await open(theirs, globex)).status).toBe(200);
    controller.abort();
    release();
  });

  it('streams get at most three quarters of MAX_CONNECTIONS: ordinary requests keep connections of their own', async () => {
    expect(watchCap(1000, 1024)).toBe(768);
    expect(watchCap(10, 1024)).toBe(10);
    const { handlers, release } = gated();
    const { base } = await listening({ engine: { handlers }, config: { SSE_MAX_STREAMS: 100, MAX_CONNECTIONS: 8 } });
    const id = await postBatch(base, { clientIds: [1] });
    const controller = new AbortController();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const res = await fetch(`${base}/v1/batches/${id}/events`, { signal: controller.signal });
      statuses.push(res.status);
      if (res.status === 200) await res.body!.getReader().read();
      else await res.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 503]);
    expect((await fetch(`${base}/v1/batches/${id}`)).status).toBe(200);
    controller.abort();
    release();
  });
});

stores.describe('a revoked key\'s streams and long-polls', () => {
  it('revoking a key ends the streams it opened and answers its long-polls 401; another key\'s stream goes on', async () => {
    const { handlers, release } = gated();
    const { s, base } = await listening({ engine: { handlers }, config: { AUTH: 'required' } });
    const { id: keyId, key, hash } = mintKey();
    await s.store.createKey({ id: keyId, hash, tenant: 'acme', admin: false, label: null, createdAt: Date.now(), revokedAt: null });
    const acme = { authorization: `Bearer ${key}` };
    const other = await bearer(s, 'acme');
    const admin = mintKey();
    await s.store.createKey({ id: admin.id, hash: admin.hash, tenant: 'ops', admin: true, label: null, createdAt: Date.now(), revokedAt: null });
    const posted = await s.app.inject({ method: 'POST', url: '/v1/batches', headers: acme, payload: { clientIds: [1] } });
    const id = (posted.json() as { id: string }).id;
    const controller = new AbortController();
    const stream = await fetch(`${base}/v1/batches/${id}/events`, { headers: acme, signal: controller.signal });
    const kept = await fetch(`${base}/v1/batches/${id}/events`, { headers: other, signal: controller.signal });
    const reader = stream.body!.getReader();
    const keptReader = kept.body!.getReader();
    await reader.read();
    await keptReader.read();
    const poll = fetch(`${base}/v1/batches/${id}?wait=60`, { headers: acme }).then(async (r) => ({ status: r.status, body: await r.json() as { type: string } }));
    for (let i = 0; s.engine.events.listenerCount.batches < 3; i += 1) {
      if (i > 10_000) throw new Error('the long-poll never subscribed');
      await new Promise((resolve) => setImmediate(resolve));
    }
    const revoked = await s.app.inject({ method: 'DELETE', url: `/v1/keys/${keyId}`, headers: { authorization: `Bearer ${admin.key}` } });
    expect(revoked.statusCode).toBe(200);
    // The stream ends: read until done (the batch is still running, so nothing else would end it).
    for (let r = await reader.read(); !r.done; r = await reader.read());
    expect(await poll).toMatchObject({ status: 401, body: { type: 'https://clientflow.dev/problems/unauthorized' } });
    // The other key's stream is still open: its batch finishes and it hears batch.finished.
    release();
    let text = '';
    const decoder = new TextDecoder();
    for (let r = await keptReader.read(); !r.done; r = await keptReader.read()) text += decoder.decode(r.value);
    expect(text).toContain('event: batch.finished');
  });
});

describe('Watchers', () => {
  const response = () => new PassThrough() as unknown as ServerResponse;
  it('sweep ends the watches of keys revoked elsewhere, with KEY_REVOKED, and only those', async () => {
    const watchers = new Watchers(10);
    const a = watchers.open(response(), 'stream', { tenant: 'acme', keyId: 'k1', maxStreams: 5 });
    const b = watchers.open(response(), 'poll', { tenant: 'acme', keyId: 'k2', maxStreams: 5 });
    const asked: string[] = [];
    await watchers.sweep(async (keyId) => {
      asked.push(keyId);
      return keyId === 'k1';
    });
    expect(asked.sort()).toEqual(['k1', 'k2']);
    expect(a.controller.signal.reason).toBe(KEY_REVOKED);
    expect(b.controller.signal.aborted).toBe(false);
    a.close();
    expect(watchers.countOf('acme')).toBe(1);
    // A store that cannot answer ends nothing.
    await watchers.sweep(async () => {
      throw new Error('store down');
    });
    expect(b.controller.signal.aborted).toBe(false);
  });
});
