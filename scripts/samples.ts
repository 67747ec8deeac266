/**
 * Regenerates the sample outputs in the README and docs/ from a live run: starts the service
 * (the sources, on a temporary SQLite file and a free port on 127.0.0.1, default stage delays),
 * makes the calls the docs show, and writes each answer between the markers
 * `<!-- sample:NAME -->` and `<!-- /sample -->` of every Markdown file that has them. Ids and
 * times differ from run to run: the samples are regenerated, never compared.
 * Usage: npm run samples
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { markdownFiles } from './check-links.js';
import { formatJson } from './sample-format.js';

const ROOT = new URL('..', import.meta.url).pathname;
const SHOWN_HEADERS = ['location', 'content-type', 'x-retried-workflows', 'idempotent-replayed', 'retry-after'];

/** A port nobody listens on now (the OS picks it; the service takes it a moment later). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

const samples = new Map<string, string>();
const put = (name: string, text: string, note?: string) => {
  samples.set(name, text.trimEnd() + (note ? `\n\n_${note}_` : ''));
};
const fence = (lang: string, body: string) => `\`\`\`${lang}\n${body.trimEnd()}\n\`\`\``;

/** An answer as `curl -i` shows it: status line, the headers that matter here, the body. */
async function asCurl(res: Response, only?: string[]): Promise<{ text: string; body: unknown }> {
  const lines = [`HTTP/1.1 ${res.status} ${res.statusText}`];
  for (const name of SHOWN_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) lines.push(`${name}: ${value}`);
  }
  const raw = await res.text();
  const body: unknown = raw && res.headers.get('content-type')?.includes('json') ? JSON.parse(raw) : raw;
  const shown = typeof body === 'string' ? body : formatJson(only ? pick(body, only) : body);
  return { text: `${lines.join('\n')}\n\n${shown}`, body };
}

const HEADERS_NOTE = 'Real output of `npm run samples`; headers other than content-type, location and those of the action '
  + 'left out (every answer also has the security, rate-limit and request-id headers); JSON broken into lines.';
const JSON_NOTE = 'Real output of `npm run samples`; JSON broken into lines.';

async function run(base: string, logLines: () => string[]): Promise<void> {
  const json = { 'content-type': 'application/json' };
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: 'POST', headers: { ...json, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });

  // The tutorial: five clients, default stage delays, watched by a stream opened at once.
  const created = await asCurl(await post('/v1/batches', { clientIds: [1, 2, 3, 4, 5], label: 'tutorial' }));
  put('post-batch', fence('http', created.text), HEADERS_NOTE);
  put('post-batch-brief', fence('http', created.text.replace(/\n\n[\s\S]*$/, `\n\n${formatJson(pick(created.body, ['id', 'tenant', 'status', 'label', 'progress']))}`)),
    `${HEADERS_NOTE} Only \`id\`, \`tenant\`, \`status\`, \`label\` and \`progress\` of the body shown; the whole answer is in the [tutorial](docs/guide/tutorial.md).`);
  const id = (created.body as { id: string }).id;
  const stream = fetch(`${base}/v1/batches/${id}/events`).then((r) => r.text());

  // Poll until every fetch has finished: the moment the walk-through describes.
  let running: unknown;
  for (;;) {
    running = await (await fetch(`${base}/v1/batches/${id}`)).json();
    if ((running as { stages: { fetch: { succeeded: number } } }).stages.fetch.succeeded === 5) break;
    await sleep(100);
  }
  put('batch-running', fence('json', formatJson(running)), JSON_NOTE);
  const done = await asCurl(await fetch(`${base}/v1/batches/${id}?wait=60`));
  put('batch-finished', fence('json', formatJson(done.body)), JSON_NOTE);
  put('batch-finished-brief', fence('json', formatJson(pick(done.body, ['status', 'progress', 'timings']))),
    'Real output of `npm run samples`, only `status`, `progress` and `timings` shown.');
  const events = await stream;
  const sseNote = 'Real output of `npm run samples` (`curl -N`, opened right after the POST); messages in the middle left out where marked `…`.';
  put('sse', fence('text', trimStream(events, 5, 3)), sseNote);
  put('sse-brief', fence('text', trimStream(events, 3, 2)), sseNote);

  const list = await (await fetch(`${base}/v1/batches/${id}/workflows?limit=2`)).json() as { items: Array<{ id: string }> };
  put('workflows', fence('json', formatJson(list)), JSON_NOTE);
  const first = list.items[0]?.id ?? '';
  const health = [
    `$ curl http://127.0.0.1:3000/healthz\n${await (await fetch(`${base}/healthz`)).text()}`,
    `$ curl http://127.0.0.1:3000/readyz\n${await (await fetch(`${base}/readyz`)).text()}`,
  ];
  put('health', fence('text', health.join('\n')), 'Real output of `npm run samples`.');
  const mine = logLines().filter((l) => l.includes(first));
  put('log', fence('text', mine.join('\n')),
    `Real output of \`npm run samples\`: the ${mine.length} lines of client 1's workflow, of ${logLines().filter((l) => l.includes(id)).length} lines for the batch.`);

  await failures(base, post);

  const metrics = (await (await fetch(`${base}/metrics`)).text()).split('\n')
    .filter((l) => /^clientflow_|^# (HELP|TYPE) clientflow_/.test(l) && !l.includes('_bucket{'));
  put('metrics', fence('text', metrics.join('\n')),
    'Real output of `npm run samples` after the tutorial and the failure examples: the `clientflow_` lines only, histogram buckets left out.');
}

/** The failure examples of docs/guide/failures.md and docs/reference/errors.md. */
async function failures(base: string, post: (path: string, body?: unknown, headers?: Record<string, string>) => Promise<Response>): Promise<void> {
  const quick = { fetchMs: 20, processMs: 30, storeMs: 10 };
  const dup = await asCurl(await post('/v1/batches', { clientIds: [1, '1', 1] }));
  put('problem-duplicate', fence('http', dup.text), HEADERS_NOTE);

  const failing = (await (await post('/v1/batches', { clientIds: [1, 2, 3], simulation: { ...quick, failStage: 'store' } })).json()) as { id: string };
  const failed = await (await fetch(`${base}/v1/batches/${failing.id}?wait=60`)).json();
  put('batch-failed', fence('json', formatJson(pick(failed, ['id', 'status', 'progress', 'stages']))),
    'Real output of `npm run samples`, only `id`, `status`, `progress` and `stages` shown.');
  const retried = await asCurl(await post(`/v1/batches/${failing.id}/retry`), ['id', 'status', 'progress']);
  put('retry', fence('http', retried.text), `${HEADERS_NOTE} Only \`id\`, \`status\` and \`progress\` of the batch shown.`);

  const slow = (await (await post('/v1/batches', { clientIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], simulation: { fetchMs: 5000 } })).json()) as { id: string };
  const canceled = await asCurl(await post(`/v1/batches/${slow.id}/cancel`), ['id', 'status', 'progress']);
  const after = await (await fetch(`${base}/v1/batches/${slow.id}?wait=60`)).json();
  put('cancel', fence('http', `${canceled.text}\n\n$ curl http://127.0.0.1:3000/v1/batches/${slow.id}?wait=60\n${formatJson(pick(after, ['id', 'status', 'progress']))}`),
    `${HEADERS_NOTE} Only \`id\`, \`status\` and \`progress\` of the batch shown.`);

  const key = { 'idempotency-key': 'order-2026-11-22' };
  const nightly = { clientIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], label: 'nightly', simulation: quick };
  await post('/v1/batches', nightly, key);
  const again = await post('/v1/batches', nightly, key);
  const other = await asCurl(await post('/v1/batches', { ...nightly, label: 'other' }, key));
  put('idempotency', fence('http', `HTTP/1.1 ${again.status} ${again.statusText}\nidempotent-replayed: ${again.headers.get('idempotent-replayed')}\n`
    + `location: ${again.headers.get('location')}\n\n${other.text}`),
  `${HEADERS_NOTE} The first answer is the replay (its body, the original batch, left out), the second the same key with another body.`);
}

function pick(value: unknown, keys: string[]): Record<string, unknown> {
  const all = value as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, all[k]]));
}

/** The stream's first events and its last ones, the middle replaced by a marked `…`. */
function trimStream(text: string, head: number, tail: number): string {
  const events = text.trim().split(/\n\n+/);
  if (events.length <= head + tail + 1) return text;
  const left = events.slice(head, -tail);
  const types = new Set(left.map((e) => /^event: (.*)$/m.exec(e)?.[1]).filter(Boolean));
  const note = `… (${left.length} messages left out: ${[...types].join(', ')})`;
  return [...events.slice(0, head), note, ...events.slice(-tail)].join('\n\n');
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
const port = await freePort();
const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
  cwd: ROOT,
  env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DB_PATH: join(dir, 'clientflow.db'), LOG_LEVEL: 'info' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const log: string[] = [];
let partial = '';
child.stdout.on('data', (chunk: Buffer) => {
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  log.push(...lines);
});
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (i === 300) throw new Error('the service did not start within 30 s');
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    await sleep(100);
  }
  await run(base, () => log);
  splice();
} finally {
  child.kill('SIGTERM');
  await new Promise((ok) => child.once('exit', ok));
  rmSync(dir, { recursive: true, force: true });
}
