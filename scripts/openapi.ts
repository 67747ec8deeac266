/**
 * Writes openapi/openapi.json from the real routes (default configuration), and what is made
 * from it: the typed client's types (src/client/schema.ts, openapi-typescript) and the API
 * overview (docs/reference/api.md); with --check fails when any committed file differs from what
 * the routes produce now.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { API_REFERENCE_FILE, apiReferenceText } from './api-reference.js';
import { openApiText } from './openapi-document.js';

const text = await openApiText();
const types = '// Generated from openapi/openapi.json by openapi-typescript (`npm run openapi`): do not edit.\n'
  + astToString(await openapiTS(text, {
    // A default is what the server assumes when a field is left out: it stays optional to send.
    defaultNonNullable: false,
  }));
const files = new Map([
  ['openapi/openapi.json', text],
  ['src/client/schema.ts', types],
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
  process.stdout.write(`${[...files.keys()].join(', ')} are up to date\n`);
} else {
  for (const [path, want] of files) {
    mkdirSync(new URL(`../${path}/..`, import.meta.url), { recursive: true });
    writeFileSync(new URL(`../${path}`, import.meta.url), want);
    process.stdout.write(`wrote ${path}\n`);
  }
}
