/**
 * RESULTS_DATABASE_URL: the store stage upserts each workflow's result into a table of the
 * caller's PostgreSQL (engine/stages/results-sink.ts), once per workflow, made by a migration of
 * its own; an unreachable results database fails the stage retryably and never shows its URL.
 */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createResultsSink, type ResultsSink } from '../src/engine/stages/results-sink.js';
import { storeStage } from '../src/engine/stages/shared-stages.js';
import type { StageContext } from '../src/engine/stages/stage.js';
import type { Workflow } from '../src/model/types.js';
import { createService, type Service } from '../src/service.js';
import { useTestDatabase } from './postgres/database.js';

const db = useTestDatabase();

let admin: pg.Pool;
beforeAll(() => {
  admin = new pg.Pool({ connectionString: db.url(), max: 2 });
});
afterAll(async () => {
  await admin.end();
});

const running: Service[] = [];
const sinks: ResultsSink[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await Promise.all(sinks.splice(0).map((s) => s.close()));
});

/** A PostgreSQL-backed service whose results also go to `results` (a URL), logging into `lines`. */
async function service(results: Partial<Config>, lines: string[] = []): Promise<Service> {
  const config = loadConfig({}, {
    DATABASE_URL: db.url(), DB_SCHEMA: db.schema('store'), LOG_LEVEL: 'info', FETCH_MS: 0, PROCESS_MS: 0, STORE_MS: 0,
    RETRY_BASE_MS: 0, RETRY_MAX_MS: 0, SHUTDOWN_GRACE_MS: 1_000, ...results,
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const s = await createService(config, { logger: pino({ level: 'info' }, sink) });
  running.push(s);
  await s.start();
  return s;
}

async function runBatch(s: Service, body: Record<string, unknown>): Promise<{ id: string; workflows: Workflow[] }> {
  const created = await s.app.inject({ method: 'POST', url: '/v1/batches', payload: body });
  expect(created.statusCode).toBe(202);
  const id = (created.json<{ id: string }>()).id;
  const done = await s.app.inject({ method: 'GET', url: `/v1/batches/${id}?wait=30` });
  expect(done.json<{ status: string }>().status).not.toMatch(/queued|running/);
  const page = await s.store.listWorkflows(id, { limit: 100 });
  return { id, workflows: page!.items };
}

interface Row {
  workflow_id: string;
  batch_id: string;
  tenant: string;
  client_id: string;
  result: Record<string, unknown>;
  lease_epoch: string;
  stored_at: Date;
}

async function rows(schema: string, table: string): Promise<Row[]> {
  return (await admin.query<Row>(`SELECT * FROM "${schema}"."${table}" ORDER BY client_id`)).rows;
}

/** A port nothing listens on: one the system gave and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('results in the caller\'s PostgreSQL', () => {
  it('a batch\'s results land in the table once per workflow, as the API shows them', async () => {
    const schema = db.schema('results');
    const s = await service({ RESULTS_DATABASE_URL: db.url(), RESULTS_SCHEMA: schema });
    const { id, workflows } = await runBatch(s, { clientIds: ['c-1', 42, 'c-3'] });
    const got = await rows(schema, 'clientflow_results');
    expect(got).toHaveLength(3);
    for (const row of got) {
      const wf = workflows.find((w) => w.id === row.workflow_id)!;
      expect(wf.status).toBe('succeeded');
      expect(row).toMatchObject({ batch_id: id, tenant: 'default', client_id: JSON.stringify(wf.clientId) });
      // The service's store keeps the same result for GET /v1/workflows/{id}.
      expect(row.result).toEqual(wf.result);
      expect(row.stored_at.toISOString()).toBe(wf.result!.storedAt);
    }
    expect(got.map((r) => r.client_id).sort()).toEqual(['"c-1"', '"c-3"', '42']);
    const api = await s.app.inject({ method: 'GET', url: `/v1/workflows/${got[0]!.workflow_id}` });
    expect(api.json<Workflow>().result).toEqual(got[0]!.result);

    // Stopping the service ends the results pool: a write after it reaches no database.
    await s.stop();
    const late = { workflowId: 'late', batchId: id, clientId: 'late', leaseEpoch: 1, result: {}, storedAt: 0 };
    await expect(s.results!.write(late)).rejects.toMatchObject({ code: 'RESULTS_WRITE_FAILED', retryable: true });
    expect(await rows(schema, 'clientflow_results')).toHaveLength(3);
  });

  it('re-running the store stage keeps one row with the last result; a superseded claim changes nothing', async () => {
    const schema = db.schema('rerun');
    const s = await service({ RESULTS_DATABASE_URL: db.url(), RESULTS_SCHEMA: schema });
    const { id, workflows } = await runBatch(s, { clientIds: ['only'] });
    const wf = workflows[0]!;
    const before = await rows(schema, 'clientflow_results');
    expect(before).toHaveLength(1);
    const epoch = Number(before[0]!.lease_epoch);

    // The stage again, as after a crash, under a later claim: the store's own write is not the point here.
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const stage = storeStage(() => clock, undefined, s.results);
    const ctx = (leaseEpoch: number) => ({
      workflowId: wf.id, batchId: id, clientId: wf.clientId,
      lease: { id: wf.id, seq: 0, leaseOwner: 'x', leaseEpoch }, keepResult: () => {},
    }) as unknown as StageContext;
    const report = (name: string) => ({ clientId: 'only', name, stats: { orderCount: 0, total: 0, mean: null, max: null }, validation: { valid: true, problems: [] } });
    await stage.run(report('first re-run'), ctx(epoch + 1));
    clock += 1000;
    await stage.run(report('second re-run'), ctx(epoch + 1));
    let after = await rows(schema, 'clientflow_results');
    expect(after).toHaveLength(1);
    expect(after[0]!.result).toMatchObject({ name: 'second re-run', storedAt: '2030-01-01T00:00:01.000Z' });
    expect(after[0]!.stored_at.toISOString()).toBe('2030-01-01T00:00:01.000Z');

    // A claim the workflow has since outgrown writes late: the row stays the later claim's.
    await stage.run(report('stale'), ctx(epoch));
    after = await rows(schema, 'clientflow_results');
    expect(after).toHaveLength(1);
    expect(after[0]!.result).toMatchObject({ name: 'second re-run' });
    expect(Number(after[0]!.lease_epoch)).toBe(epoch + 1);
  });

  it('the migration makes the table in a custom schema and name, once, under its lock', async () => {
    const schema = db.schema('acme');
    const open = () => {
      const sink = createResultsSink({ url: db.url(), schema, table: 'crm_results', poolSize: 2, tenantOf: async () => 't1' });
      sinks.push(sink);
      return sink;
    };
    // Two replicas starting together: the advisory lock lets one create, the other finds it made.
    await Promise.all([open().migrate(), open().migrate()]);
    const columns = await admin.query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'crm_results' ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.rows.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      'workflow_id text', 'batch_id text', 'tenant text', 'client_id text', 'result jsonb', 'lease_epoch bigint',
      'stored_at timestamp with time zone',
    ]);
    const applied = await admin.query(`SELECT table_name, version FROM "${schema}".clientflow_results_migrations`);
    expect(applied.rows).toEqual([{ table_name: 'crm_results', version: 1 }]);
    // Not in the default place.
    const stray = await admin.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'clientflow_results'`, [schema]);
    expect(stray.rowCount).toBe(0);

    const sink = open();
    await sink.write({ workflowId: 'wf-1', batchId: 'b-1', clientId: 7, leaseEpoch: 1, result: { ok: true }, storedAt: 0 });
    expect(await rows(schema, 'crm_results')).toMatchObject([{ workflow_id: 'wf-1', tenant: 't1', client_id: '7', result: { ok: true } }]);
  });

  it('a results database that cannot be reached fails the store stage retryably, never naming its URL', async () => {
    const url = `postgres://results_user:pw-never-shown@127.0.0.1:${await closedPort()}/results`;
    const lines: string[] = [];
    // The start goes on: the store stage migrates once the database answers.
    const s = await service({ RESULTS_DATABASE_URL: url, RETRY_MAX_ATTEMPTS: 3 }, lines);
    const { workflows } = await runBatch(s, { clientIds: ['c-1'] });
    const wf = workflows[0]!;
    expect(wf.status).toBe('failed');
    const store = wf.stages.find((st) => st.name === 'store')!;
    // Every attempt was made: the failure was retryable.
    expect(store).toMatchObject({ status: 'failed', attempts: 3, error: { code: 'RESULTS_UNAVAILABLE' } });
    expect(store.error!.message).toBe('the results database is unavailable (ECONNREFUSED)');
    // Nothing went to the service's store either: a result the API shows is in the caller's table.
    expect(wf.result).toBeNull();
    const events = await s.store.workflowEvents(wf.batchId, [wf.id]);
    expect(events.filter((e) => e.type === 'stage.retrying')).toHaveLength(2);
    const text = lines.join('') + JSON.stringify(wf) + JSON.stringify(events);
    expect(lines.join('')).toContain('RESULTS_DATABASE_URL');
    expect(text).not.toContain('pw-never-shown');
    expect(text).not.toContain('results_user');
  });

  it('a results database that answers but refuses the migration stops the start, naming the code only', async () => {
    const schema = db.schema('taken');
    await admin.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".clientflow_results (something int)`);
    const config = loadConfig({}, {
      DATABASE_URL: db.url(), DB_SCHEMA: db.schema('store'), LOG_LEVEL: 'silent', RESULTS_DATABASE_URL: db.url(), RESULTS_SCHEMA: schema,
    });
    const s = await createService(config, { logger: pino({ level: 'silent' }) });
    running.push(s);
    // 42P07: a table of that name is already there (not ours: no migration recorded it).
    const failed = s.start();
    await expect(failed).rejects.toThrow(ConfigError);
    await expect(failed).rejects.toThrow('the results database (RESULTS_DATABASE_URL) cannot be migrated: 42P07');
  });

  it('RESULTS_DATABASE_URL is never echoed when refused; RESULTS_TABLE must be a plain identifier', () => {
    expect(() => loadConfig({ RESULTS_DATABASE_URL: 'mysql://u:secret-pw@h/db' })).toThrow(ConfigError);
    expect(() => loadConfig({ RESULTS_DATABASE_URL: 'mysql://u:secret-pw@h/db' })).toThrow('invalid RESULTS_DATABASE_URL=(hidden)');
    expect(() => loadConfig({ RESULTS_TABLE: 'results"; DROP TABLE x; --' })).toThrow(/invalid RESULTS_TABLE/);
    expect(() => loadConfig({ RESULTS_SCHEMA: 'Has-Caps' })).toThrow(/invalid RESULTS_SCHEMA/);
    expect(loadConfig({})).toMatchObject({ RESULTS_SCHEMA: 'public', RESULTS_TABLE: 'clientflow_results', RESULTS_POOL_SIZE: 4 });
  });
});
