/**
 * Writes openapi/openapi.json from the real routes (default configuration), or with --check
 * fails when the committed file differs from what the routes produce now.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { openApiText } from './openapi-document.js';

const FILE = new URL('../openapi/openapi.json', import.meta.url);

const text = await openApiText();
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
