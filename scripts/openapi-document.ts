/** The OpenAPI document of a default-configuration app: what openapi/openapi.json must hold. */
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { Engine } from '../src/engine/engine.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

export async function openApiText(): Promise<string> {
  const config = loadConfig({}, { DB_PATH: ':memory:' });
  const logger = pino({ level: 'silent' });
  const store = new SqliteStore({ path: ':memory:' });
  const engine = new Engine({ store, logger, concurrency: 1, delays: { fetchMs: 0, processMs: 0, storeMs: 0 } });
  const app = await buildApp({ config, store, engine, logger });
  try {
    await app.ready();
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    await store.close();
  }
}
