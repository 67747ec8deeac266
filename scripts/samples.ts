/**
 * Regenerates the sample outputs in the README and docs/ from a live run: starts the service
 * (the sources, on a temporary SQLite file and a free port on 127.0.0.1, default stage delays)
 * beside a mock CRM and a webhook receiver, makes the calls the docs show, and writes each answer
 * between the markers `<!-- sample:NAME -->` and `<!-- /sample -->` of every Markdown file that
 * has them. Ids and times differ from run to run: the samples are regenerated, never compared.
 * Usage: npm run samples
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { markdownFiles } from './check-links.js';
import { startMockCrm } from './mock-crm/server.js';
import { crmStages, flowControl, keys, startReceiver, webhooks } from './samples/integrations.js';
import { Api, samples } from './samples/lib.js';
import { failures, metrics, tutorial } from './samples/tutorial.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** A port nobody listens on now (the OS picks it; the service takes it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Writes every sample between its markers; fails on a marker without a sample. */
function splice(): void {
  for (const file of markdownFiles(ROOT)) {
    const text = readFileSync(file, 'utf8');
    const next = text.replace(/(<!-- sample:([a-z0-9-]+) -->\n)[\s\S]*?(<!-- \/sample -->)/g, (_all, open: string, name: string, close: string) => {
      const sample = samples.get(name);
      if (!sample) throw new Error(`${file}: no sample named ${name}`);
      return `${open}${sample}\n${close}`;
    });
    if (next !== text) {
      writeFileSync(file, next);
      process.stdout.write(`wrote samples into ${file.slice(ROOT.length)}\n`);
    }
  }
}

const dir = mkdtempSync(join(tmpdir(), 'clientflow-samples-'));
const crmLog: string[] = [];
const crm = await startMockCrm({ port: 0, latencyMs: 100, jitter: 0.2, quotas: new Map([['crm:acme', 5]]), log: (l) => crmLog.push(l) });
const receiver = await startReceiver();
const port = await freePort();
const env = {
  ...process.env, HOST: '127.0.0.1', PORT: String(port), DB_PATH: join(dir, 'clientflow.db'), LOG_LEVEL: 'info',
  CRM_URL_TEMPLATE: crm.template, CRM_ALLOW_HOSTS: '127.0.0.1',
  WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`, WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
};
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
const log: string[] = [];
let partial = '';
child.stdout.on('data', (chunk: Buffer) => {
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  log.push(...lines);
});
try {
  const api = new Api(`http://127.0.0.1:${port}`);
  for (let i = 0; ; i++) {
    if (i === 300) throw new Error('the service did not start within 30 s');
    if (await api.get('/healthz').then((r) => r.ok, () => false)) break;
    await sleep(100);
  }
  await tutorial(api, () => log);
  await failures(api);
  await crmStages(api, crmLog);
  await flowControl(api);
  await webhooks(api, receiver);
  await keys(api, ROOT, env);
  await metrics(api);
  splice();
} finally {
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
  await crm.close();
  receiver.server.close();
  rmSync(dir, { recursive: true, force: true });
}
