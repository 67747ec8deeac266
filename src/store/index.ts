import type { Config } from '../config.js';
import { SqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export type { Store } from './store.js';

/** Opens the store the configuration names (today: the embedded SQLite file). */
export function openStore(config: Pick<Config, 'DB_PATH' | 'DB_SYNC'>): Store {
  return new SqliteStore({ path: config.DB_PATH, sync: config.DB_SYNC });
}
