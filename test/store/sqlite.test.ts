/** The SQLite store: the shared contract on a fresh in-memory database per test, and what only a file has. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreInUseError } from '../../src/store/store.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('sqlite', (options) => new SqliteStore({ path: ':memory:', ...options }));

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
      // Another name for the same file, through a symlinked file or directory, is the same owner.
      symlinkSync(path, join(dir, 'link.db'));
      mkdirSync(join(dir, 'real'));
      symlinkSync(dir, join(dir, 'real', 'up'));
      expect(() => new SqliteStore({ path: join(dir, 'link.db') })).toThrow(StoreInUseError);
      expect(() => new SqliteStore({ path: join(dir, 'real', 'up', 'x.db') })).toThrow(StoreInUseError);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
