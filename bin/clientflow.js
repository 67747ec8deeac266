#!/usr/bin/env node
// The `clientflow` command: `npx clientflow …` in a checkout or in the container image. A checkout
// with its dev dependencies runs the TypeScript sources through tsx (so it needs no build and is
// never behind them); the image, which has no sources, runs the compiled dist/cli.js.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const source = new URL('../src/cli.ts', import.meta.url);
const compiled = new URL('../dist/cli.js', import.meta.url);

async function tsx() {
  try {
    return await import('tsx/esm/api');
  } catch {
    return null; // installed without dev dependencies
  }
}

const api = existsSync(source) ? await tsx() : null;
if (api) {
  api.register();
  await import(source.href);
} else if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  process.stderr.write('clientflow: no dist/cli.js: build it first (npm run build), or install the dev dependencies (npm ci)\n');
  process.exitCode = 1;
}
