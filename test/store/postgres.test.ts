/** The PostgreSQL store: the shared contract, each test on a schema of its own in this file's database. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { RemoteNotice } from '../../src/store/store.js';
import { createTestDatabase, type TestDatabase } from '../postgres/database.js';
import { describeStoreContract } from './contract.js';

let db: TestDatabase;
let schemas = 0;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

describeStoreContract('postgres', () => PostgresStore.open({ url: db.url, schema: `contract_${schemas++}` }));

describe('PostgreSQL store: replicas on one schema', () => {
  it('tells the other replicas what it committed: work, the batches with new events, cancels', async () => {
    const schema = `notices_${schemas++}`;
    const a = await PostgresStore.open({ url: db.url, schema });
    const b = await PostgresStore.open({ url: db.url, schema });
    try {
      const heard: RemoteNotice[] = [];
      let wake = (): void => {};
      b.onRemote((n) => {
        heard.push(n);
        wake();
      });
      /** The next notice that `match` accepts (a transaction may send a few). */
      const next = (match: (n: RemoteNotice) => boolean) => new Promise<RemoteNotice>((resolve) => {
        wake = () => {
          if (match(heard.at(-1)!)) resolve(heard.at(-1)!);
        };
      });
      let notice = next(() => true);
      const { batch } = await a.createBatch({
        clientIds: [1], priority: 0, label: null, maxConcurrency: null, retry: null, timeouts: null, simulation: null,
      }, Date.now());
      expect(await notice).toEqual({ work: true, batches: [batch.id], cancel: { batches: [], workflows: [] } });
      const [wf] = await b.claim('b', 1, Date.now(), 60_000);
      await b.record({ kind: 'started', workflow: wf!, stage: 'fetch', at: Date.now() });
      notice = next((n) => n.cancel.batches.length > 0);
      await a.cancelBatch(batch.id, Date.now());
      expect(await notice).toMatchObject({ cancel: { batches: [batch.id], workflows: [] } });
    } finally {
      await a.close();
      await b.close();
    }
  });
});
