/**
 * Writes docs/reference/configuration.md and .env.example from src/config.ts's schema, or with
 * --check fails when either differs from what the schema makes now (as scripts/openapi.ts does
 * for the OpenAPI file).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles, staleFiles } from './config-reference.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const files = generatedFiles();

if (process.argv.includes('--check')) {
  const stale = staleFiles(ROOT, files);
  for (const path of stale) process.stderr.write(`${path} is stale: run \`npm run config-docs\` and commit the result\n`);
  if (stale.length > 0) process.exit(1);
  process.stdout.write(`${[...files.keys()].join(' and ')} are up to date\n`);
} else {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(ROOT, path)), { recursive: true });
    writeFileSync(join(ROOT, path), text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
