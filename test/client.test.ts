/**
 * The typed client (src/client, `clientflow/client`) against a real server: its generated types
 * name the API's schemas, and submit, wait, watch (with a resumed stream) and export work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, UnreachableError, createClientflow, type Clientflow, type ExportRow, type WatchedEvent } from '../src/client/index.js';
import type { components } from '../src/client/schema.js';
import { startServer, type ChildServer } from './child-server.js';

// The generated types name the API's schemas: these lines compile only while they do.
type Batch = components['schemas']['Batch'];
type Workflow = components['schemas']['Workflow'];
type Problem = components['schemas']['Problem'];
const finishedOf = (b: Batch): Batch['status'] => b.status;

let server: ChildServer;
let client: Clientflow;
beforeAll(async () => {
  server = await startServer({ DB_PATH: ':memory:' });
  client = createClientflow({ url: server.url });
});
afterAll(async () => {
  server.child.kill('SIGKILL');
  await server.exited;
});

/** Five clients at zero delay; clients chosen by the seed fail their process stage for good. */
const failingBatch = { clientIds: [1, 2, 3, 4, 5], simulation: { fetchMs: 0, processMs: 0, storeMs: 0, failStage: 'process' as const, failStageRate: 0.5, seed: 7 } };

describe('the typed client', () => {
  it('submits, waits for the end, and exports every workflow with its error', async () => {
    const batch: Batch = await client.submit({ ...failingBatch, label: 'client test' }, { idempotencyKey: 'client-test-1' });
    expect(batch).toMatchObject({ status: expect.stringMatching(/queued|running|succeeded|failed/) as unknown, label: 'client test' });
    expect((await client.submit({ ...failingBatch, label: 'client test' }, { idempotencyKey: 'client-test-1' })).id).toBe(batch.id);
    const done = await client.wait(batch.id);
    expect(finishedOf(done)).toBe('failed');
    const workflows: Workflow[] = [];
    for await (const w of client.workflows(batch.id, { limit: 2 })) workflows.push(w);
    expect(workflows.map((w) => w.clientId).sort()).toEqual([1, 2, 3, 4, 5]);
    const failed = workflows.filter((w) => w.status === 'failed');
    expect(failed.length).toBe(done.progress.failed);
    expect(failed.length).toBeGreaterThan(0);
    for (const w of failed) expect(w.error).toMatchObject({ stage: 'process' });
    const listed: string[] = [];
    for await (const b of client.batches({ status: 'failed' })) listed.push(b.id);
    expect(listed).toContain(batch.id);
  });

  it('watches a batch from its first event to batch.finished, and resumes after a given id', async () => {
    const batch = await client.submit(failingBatch);
    const events: WatchedEvent[] = [];
    for await (const event of client.watch(batch.id)) events.push(event);
    expect(events.at(-1)).toMatchObject({ type: 'batch.finished', status: 'failed' });
    const stored = events.filter((e) => e.type !== 'batch.progress') as Array<WatchedEvent & { id: number }>;
    expect(stored[0]).toMatchObject({ type: 'batch.created', total: 5 });
    expect(stored.filter((e) => e.type === 'workflow.finished')).toHaveLength(5);
    const middle = stored[Math.floor(stored.length / 2)]!;
    const rest: WatchedEvent[] = [];
    for await (const event of client.watch(batch.id, { lastEventId: middle.id })) rest.push(event);
    const restIds = rest.flatMap((e) => (e.type === 'batch.progress' ? [] : [e.id]));
    expect(restIds).toEqual(stored.filter((e) => e.id > middle.id).map((e) => e.id));
  });

  it('reconnects with Last-Event-ID when the stream ends early, losing and repeating nothing', async () => {
    const batch = await client.submit(failingBatch);
    await client.wait(batch.id);
    const sent: Array<string | null> = [];
    // The first stream ends after its first chunk with a stored event, as a connection cut by a proxy does.
    const dropping: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).endsWith('/events')) return response;
      sent.push(new Headers(init?.headers).get('last-event-id'));
      if (sent.length > 1) return response;
      // Up to the end of the first message with an id, cut there.
      const reader = response.body!.getReader();
      let text = '';
      let end = -1;
      while (end < 0) {
        text += new TextDecoder().decode((await reader.read()).value!);
        const id = text.indexOf('id:');
        end = id < 0 ? -1 : text.indexOf('\n\n', id);
      }
      void reader.cancel();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text.slice(0, end + 2)));
          controller.close();
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const watched = createClientflow({ url: server.url, fetch: dropping });
    const ids: number[] = [];
    for await (const event of watched.watch(batch.id, { retryMs: 1 })) if (event.type !== 'batch.progress') ids.push(event.id);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBeNull();
    expect(Number(sent[1])).toBeGreaterThan(0);
    const all: number[] = [];
    for await (const event of client.watch(batch.id)) if (event.type !== 'batch.progress') all.push(event.id);
    expect(ids).toEqual(all);
  });

  it('exports a batch as rows (NDJSON, streamed) and as the CSV text, and lists failures across batches', async () => {
    const batch = await client.submit(failingBatch);
    const done = await client.wait(batch.id);
    const rows: ExportRow[] = [];
    for await (const row of client.export(batch.id)) rows.push(row);
    expect(rows.map((r) => r.clientId)).toEqual([1, 2, 3, 4, 5]);
    expect(rows.filter((r) => r.status === 'failed').every((r) => r.error?.stage === 'process' && r.stages.store.status === 'skipped')).toBe(true);
    const failedOnly: ExportRow[] = [];
    for await (const row of client.export(batch.id, { status: 'failed' })) failedOnly.push(row);
    expect(failedOnly).toHaveLength(done.progress.failed);
    const csv = await new Response(await client.download(batch.id, 'csv')).text();
    expect(csv.split('\r\n')[0]).toMatch(/^workflowId,clientId,status,/);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(6);
    const across: Workflow[] = [];
    for await (const w of client.failed({ stage: 'process' })) across.push(w);
    expect(across.filter((w) => w.batchId === batch.id).map((w) => w.id).sort()).toEqual(failedOnly.map((r) => r.workflowId).sort());
    await expect(client.export('00000000-0000-4000-8000-000000000000').next()).rejects.toMatchObject({ status: 404 });
  });

  it('fails an export whose body ends in the middle of a row, rather than return a part of it', async () => {
    const batch = await client.submit(failingBatch);
    await client.wait(batch.id);
    const cutting: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const text = await response.text();
      return new Response(text.slice(0, text.length - 10), { status: response.status, headers: response.headers });
    };
    const cut = createClientflow({ url: server.url, fetch: cutting });
    const rows: ExportRow[] = [];
    await expect((async () => {
      for await (const row of cut.export(batch.id)) rows.push(row);
    })()).rejects.toThrow(/middle of a row/);
    expect(rows).toHaveLength(4);
  });

  it('throws ApiError with the problem for a refusal, UnreachableError when nothing answers', async () => {
    const missing = await client.getBatch('00000000-0000-4000-8000-000000000000').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ApiError);
    const problem: Problem | null = (missing as ApiError).problem;
    expect(problem).toMatchObject({ status: 404, type: 'https://clientflow.dev/problems/not-found' });
    const bad = await client.submit({ clientIds: [] }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, problem: { errors: [{ path: '/body/clientIds' }] } });
    // A port nothing listens on: the server's own, after it is gone, is not certain; port 1 is.
    const nowhere = createClientflow({ url: 'http://127.0.0.1:1' });
    await expect(nowhere.getBatch('x')).rejects.toBeInstanceOf(UnreachableError);
  });
});
