/**
 * Writes openapi/openapi.json from the real routes (default configuration) and the API overview
 * made from it (docs/reference/api.md), or with --check fails when either committed file differs
 * from what the routes produce now.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { API_REFERENCE_FILE, apiReferenceText } from './api-reference.js';
import { openApiText } from './openapi-document.js';

const text = await openApiText();
const files = new Map([
  ['openapi/openapi.json', text],
  [API_REFERENCE_FILE, apiReferenceText(JSON.parse(text))],
]);
if (process.argv.includes('--check')) {
  let stale = false;
  for (const [path, want] of files) {
    let committed = '';
    try {
      committed = readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed !== want) {
      process.stderr.write(`${path} is stale: run \`npm run openapi\` and commit the result\n`);
      stale = true;
    }
  }
  if (stale) process.exit(1);
  process.stdout.write(`${[...files.keys()].join(' and ')} are up to date\n`);
} else {
  for (const [path, want] of files) {
    mkdirSync(new URL(`../${path}/..`, import.meta.url), { recursive: true });
    writeFileSync(new URL(`../${path}`, import.meta.url), want);
    process.stdout.write(`wrote ${path}\n`);
  }
}
