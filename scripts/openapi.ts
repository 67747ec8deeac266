/**
 * Writes openapi/openapi.json from the real routes (default configuration), or with --check
 * fails when the committed file differs from what the routes produce now.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import pino from 'pino';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { Engine } from '../src/engine/engine.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

const FILE = new URL('../openapi/openapi.json', import.meta.url);

export async function generateOpenApi(): Promise<string> {
  const config = loadConfig({}, { DB_PATH: ':memory:' });
  const logger = pino({ level: 'silent' });
  const store = new SqliteStore({ path: ':memory:' });
  const engine = new Engine({ store, logger, concurrency: 1, delays: { fetchMs: 0, processMs: 0, storeMs: 0 } });
  const app = await buildApp({ config, store, engine, logger });
  await app.ready();
  const text = `${JSON.stringify(app.swagger(), null, 2)}\n`;
  await app.close();
  await store.close();
  return text;
}

const text = await generateOpenApi();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(FILE, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (committed !== text) {
    process.stderr.write('openapi/openapi.json is stale: run `npm run openapi` and commit the result\n');
    process.exit(1);
  }
  process.stdout.write('openapi/openapi.json is up to date\n');
} else {
  mkdirSync(new URL('../openapi/', import.meta.url), { recursive: true });
  writeFileSync(FILE, text);
  process.stdout.write('wrote openapi/openapi.json\n');
}
