/**
 * Kill the real server with SIGKILL in the middle of a batch, start it again on the same file,
 * and check that nothing accepted was lost and nothing finished twice. Then the same with
 * SIGTERM: a graceful stop exits 0 and a restart completes the batch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type ChildServer, type LogLine } from './child-server.js';

let dir: string;
const servers: ChildServer[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'clientflow-durability-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.child.kill('SIGKILL');
    await s.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

async function boot(extra: Record<string, string> = {}): Promise<ChildServer> {
  const server = await startServer({ DB_PATH: join(dir, 'clientflow.db'), CONCURRENCY: '4', ...extra });
  servers.push(server);
  return server;
}

const CLIENTS = Array.from({ length: 12 }, (_, i) => `client-${i + 1}`);
const SIMULATION = { fetchMs: 40, processMs: 60, storeMs: 20 };

async function post(server: ChildServer, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${server.url}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as { id: string };
}

const isBatchDone = (id: string) => (l: LogLine) => l.batchId === id && l.msg === 'batch succeeded';

async function expectCompletedOnce(server: ChildServer, batchId: string): Promise<void> {
  const batch = (await (await fetch(`${server.url}/v1/batches/${batchId}`)).json()) as {
    status: string; progress: { succeeded: number; total: number; percent: number };
  };
  expect(batch.status).toBe('succeeded');
  expect(batch.progress).toMatchObject({ total: CLIENTS.length, succeeded: CLIENTS.length, percent: 100 });
  const page = (await (await fetch(`${server.url}/v1/batches/${batchId}/workflows?limit=100`)).json()) as {
    items: Array<{ id: string; clientId: string; status: string; result: { clientId: string } | null }>;
  };
  expect(page.items.map((w) => w.clientId)).toEqual(CLIENTS);
  for (const w of page.items) {
    expect(w.status).toBe('succeeded');
    expect(w.result?.clientId).toBe(w.clientId);
  }
  // Straight from the file: one workflow row per client and one result row per workflow.
  const db = new Database(join(dir, 'clientflow.db'), { readonly: true });
  const rows = db.prepare(`SELECT w.id, count(r.workflow_seq) AS results FROM workflows w
    LEFT JOIN results r ON r.workflow_seq = w.seq GROUP BY w.id`).all() as Array<{ results: number }>;
  db.close();
  expect(rows).toHaveLength(CLIENTS.length);
  expect(rows.every((r) => r.results === 1)).toBe(true);
}

describe('durability', () => {
  it('SIGKILL mid-batch loses nothing: a restart resumes and finishes every workflow once', async () => {
    const first = await boot();
    const { id } = await post(first, { clientIds: CLIENTS, simulation: SIMULATION });
    // Kill once some workflows have finished and others are in flight.
    await first.waitForLog((l) => l.batchId === id && String(l.msg).startsWith('workflow succeeded'));
    await first.waitForLog((l) => l.batchId === id && l.msg === 'process started');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await boot();
    await second.waitForLog(isBatchDone(id));
    await expectCompletedOnce(second, id);
  });

  it('SIGKILL while stages wait to be retried loses nothing: the retries resume after restart', async () => {
    const first = await boot();
    const { id } = await post(first, {
      clientIds: CLIENTS,
      retry: { maxAttempts: 10, baseMs: 30, maxMs: 60 },
      simulation: { ...SIMULATION, failureRate: 0.3, seed: 3 },
    });
    await first.waitForLog((l) => l.batchId === id && l.outcome === 'retrying');
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await boot();
    await second.waitForLog(isBatchDone(id));
    await expectCompletedOnce(second, id);
  });

  it('SIGTERM mid-batch refuses new batches, exits 0, and a restart completes the batch', async () => {
    // Long stages and a short grace period: the running stages are aborted and must re-run.
    const first = await boot({ SHUTDOWN_GRACE_MS: '200', CONCURRENCY: String(CLIENTS.length) });
    const { id } = await post(first, { clientIds: CLIENTS, simulation: { ...SIMULATION, processMs: 1_500 } });
    await first.waitForLog((l) => l.batchId === id && l.msg === 'process started');
    first.child.kill('SIGTERM');
    await first.waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('stopping'));
    const refused = await fetch(`${first.url}/v1/batches`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ clientIds: [1] }),
    }).catch(() => null);
    // Either the drain answered 503, or the listener was already closed; never a 202.
    if (refused) {
      expect(refused.status).toBe(503);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    await first.waitForLog((l) => l.batchId === id && l.outcome === 'interrupted');
    expect(await first.exited).toBe(0);

    const second = await boot({ CONCURRENCY: String(CLIENTS.length) });
    await second.waitForLog(isBatchDone(id));
    await expectCompletedOnce(second, id);
  });
});
