/** The PostgreSQL store: the shared contract, each test on a schema of its own in this file's database. */
import { afterAll, beforeAll } from 'vitest';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
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
