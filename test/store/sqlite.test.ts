/** The SQLite store: the shared contract on a fresh in-memory database per test, and what only a file has. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreInUseError } from '../../src/store/store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('sqlite', () => new SqliteStore({ path: ':memory:' }));

describe('SQLite store on a file', () => {
  it('is owned by one store at a time: a second open fails until the first closes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'clientflow-sqlite-'));
    try {
      const path = join(dir, 'x.db');
      const first = new SqliteStore({ path });
      expect(() => new SqliteStore({ path })).toThrow(StoreInUseError);
      await first.close();
      const second = new SqliteStore({ path });
      expect(second.capabilities.owner).toBe('exclusive');
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
