/**
 * Writes openapi/openapi.json from the real routes (default configuration) and the typed client's
 * types from it (src/client/schema.ts, openapi-typescript), or with --check fails when either
 * committed file differs from what the routes produce now.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiText } from './openapi-document.js';

const DOCUMENT = new URL('../openapi/openapi.json', import.meta.url);
const CLIENT_TYPES = new URL('../src/client/schema.ts', import.meta.url);

const text = await openApiText();
const types = '// Generated from openapi/openapi.json by openapi-typescript (`npm run openapi`): do not edit.\n'
  + astToString(await openapiTS(text, {
    // A default is what the server assumes when a field is left out: it stays optional to send.
    defaultNonNullable: false,
  }));
const files = [
  { url: DOCUMENT, text, name: 'openapi/openapi.json' },
  { url: CLIENT_TYPES, text: types, name: 'src/client/schema.ts' },
];

if (process.argv.includes('--check')) {
  const stale = files.filter((f) => {
    try {
      return readFileSync(f.url, 'utf8') !== f.text;
    } catch {
      return true; // missing counts as stale
    }
  });
  if (stale.length > 0) {
    process.stderr.write(`${stale.map((f) => f.name).join(' and ')} stale: run \`npm run openapi\` and commit the result\n`);
    process.exit(1);
  }
  process.stdout.write('openapi/openapi.json and src/client/schema.ts are up to date\n');
} else {
  mkdirSync(new URL('../openapi/', import.meta.url), { recursive: true });
  for (const f of files) {
    writeFileSync(f.url, f.text);
    process.stdout.write(`wrote ${f.name}\n`);
  }
}
