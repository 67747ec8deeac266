/** The samples of the README, the tutorial, watching, failures, errors and metrics. */
import { setTimeout as sleep } from 'node:timers/promises';
import { formatJson } from './format.js';
import { Api, HEADERS_NOTE, JSON_NOTE, REAL, asCurl, fence, only, pick, put, trimStream } from './lib.js';

/** The tutorial batch: five clients at the default stage delays, watched by a stream opened at once. */
export async function tutorial(api: Api, logLines: () => string[]): Promise<void> {
  const created = await asCurl(await api.post('/v1/batches', { clientIds: [1, 2, 3, 4, 5], label: 'tutorial' }));
  const id = (created.body as { id: string }).id;
  const stream = api.get(`/v1/batches/${id}/events`).then((r) => r.text());
  put('post-batch', fence('http', created.text), HEADERS_NOTE);
  const brief = ['id', 'tenant', 'status', 'label', 'progress'];
  put('post-batch-brief', fence('http', created.text.replace(/\n\n[\s\S]*$/, `\n\n${formatJson(pick(created.body, brief))}`)),
    `${HEADERS_NOTE} Of the body, ${only(brief)}; the whole answer is in the [tutorial](docs/guide/tutorial.md).`);

  // Poll until every fetch has finished: the moment the walk-through describes.
  let running: { stages: { fetch: { succeeded: number } } };
  while ((running = await api.json(`/v1/batches/${id}`)).stages.fetch.succeeded < 5) await sleep(100);
  put('batch-running', fence('json', formatJson(running)), JSON_NOTE);

  const done = await api.json(`/v1/batches/${id}?wait=60`);
  put('batch-finished', fence('json', formatJson(done)), JSON_NOTE);
  const finishedFields = ['status', 'progress', 'timings'];
  put('batch-finished-brief', fence('json', formatJson(pick(done, finishedFields))), `${REAL}, ${only(finishedFields)}.`);

  const events = await stream;
  const sseNote = `${REAL} (\`curl -N\`, opened right after the POST); messages in the middle left out where marked \`…\`.`;
  put('sse', fence('text', trimStream(events, 5, 3)), sseNote);
  put('sse-brief', fence('text', trimStream(events, 3, 2)), sseNote);

  const list = await api.json<{ items: Array<{ id: string }> }>(`/v1/batches/${id}/workflows?limit=2`);
  put('workflows', fence('json', formatJson(list)), JSON_NOTE);
  const health = [
    `$ curl http://127.0.0.1:3000/healthz\n${await (await api.get('/healthz')).text()}`,
    `$ curl http://127.0.0.1:3000/readyz\n${await (await api.get('/readyz')).text()}`,
  ];
  put('health', fence('text', health.join('\n')), `${REAL}.`);
  const first = list.items[0]?.id ?? '';
  const mine = logLines().filter((l) => l.includes(first));
  const all = logLines().filter((l) => l.includes(id)).length;
  put('log', fence('text', mine.join('\n')), `${REAL}: the ${mine.length} lines of client 1's workflow, of ${all} lines for the batch.`);
}

/** docs/guide/failures.md and docs/reference/errors.md: a bad request, a failed batch, retry, cancel, replay. */
export async function failures(api: Api): Promise<void> {
  const quick = { fetchMs: 20, processMs: 30, storeMs: 10 };
  const batchFields = ['id', 'status', 'progress'];
  put('problem-duplicate', fence('http', (await asCurl(await api.post('/v1/batches', { clientIds: [1, '1', 1] }))).text), HEADERS_NOTE);

  const failing = await (await api.post('/v1/batches', { clientIds: [1, 2, 3], simulation: { ...quick, failStage: 'store' } })).json() as { id: string };
  const failed = await api.json(`/v1/batches/${failing.id}?wait=60`);
  const failedFields = ['id', 'status', 'progress', 'stages'];
  put('batch-failed', fence('json', formatJson(pick(failed, failedFields))), `${REAL}, ${only(failedFields)}.`);
  const retried = await asCurl(await api.post(`/v1/batches/${failing.id}/retry`), batchFields);
  put('retry', fence('http', retried.text), `${HEADERS_NOTE} Of the batch, ${only(batchFields)}.`);

  const slow = await (await api.post('/v1/batches', { clientIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], simulation: { fetchMs: 5000 } })).json() as { id: string };
  const canceled = await asCurl(await api.post(`/v1/batches/${slow.id}/cancel`), batchFields);
  const after = await api.json(`/v1/batches/${slow.id}?wait=60`);
  put('cancel', fence('http', `${canceled.text}\n\n$ curl 'http://127.0.0.1:3000/v1/batches/${slow.id}?wait=60'\n${formatJson(pick(after, batchFields))}`),
    `${HEADERS_NOTE} Of the batch, ${only(batchFields)}.`);

  const key = { 'idempotency-key': 'order-2026-11-22' };
  const nightly = { clientIds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], label: 'nightly', simulation: quick };
  await api.post('/v1/batches', nightly, key);
  const again = await api.post('/v1/batches', nightly, key);
  const other = await asCurl(await api.post('/v1/batches', { ...nightly, label: 'other' }, key));
  const replay = `HTTP/1.1 ${again.status} ${again.statusText}\nidempotent-replayed: ${again.headers.get('idempotent-replayed')}\nlocation: ${again.headers.get('location')}`;
  put('idempotency', fence('http', `${replay}\n\n${other.text}`),
    `${HEADERS_NOTE} The first answer is the replay (its body, the original batch, left out), the second the same key with another body.`);
}

/** docs/reference/metrics.md, after everything else ran. */
export async function metrics(api: Api): Promise<void> {
  const lines = (await (await api.get('/metrics')).text()).split('\n')
    .filter((l) => /^clientflow_|^# (HELP|TYPE) clientflow_/.test(l) && !l.includes('_bucket{'));
  put('metrics', fence('text', lines.join('\n')),
    `${REAL} after the other samples: the \`clientflow_\` lines only, histogram buckets left out.`);
}
