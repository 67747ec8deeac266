/** The samples of the CRM stages, flow control, webhooks and keys: the service with a mock CRM and a receiver. */
import { execFile } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatJson } from './format.js';
import { Api, HEADERS_NOTE, REAL, asCurl, fence, only, pick, put } from './lib.js';

export interface Hook { method: string; url: string; headers: IncomingHttpHeaders; body: string }

/** A webhook receiver that keeps what it gets and answers 204. */
export async function startReceiver(): Promise<{ server: Server; port: number; hooks: Hook[] }> {
  const hooks: Hook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); }).on('end', () => {
      hooks.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  // The docs' port when it is free, so the sample shows the URL they post; any other when not.
  await new Promise<void>((ok) => {
    server.once('error', () => server.listen(0, '127.0.0.1', ok));
    server.listen(4000, '127.0.0.1', ok);
  });
  return { server, port: (server.address() as { port: number }).port, hooks };
}

/** docs/guide/crm-stages.md: nine clients from the mock CRM under a 5/s quota, one of them missing. */
export async function crmStages(api: Api, crmLog: string[]): Promise<void> {
  crmLog.length = 0;
  const created = await asCurl(await api.post('/v1/batches', {
    clientIds: [1, 2, 3, 4, 5, 6, 7, 8, 'missing-9'], stages: 'http', crmKey: 'crm:acme',
  }), ['id', 'tenant', 'status', 'options']);
  const id = (created.body as { id: string }).id;
  put('crm-post', fence('http', created.text), `${HEADERS_NOTE} Of the batch, ${only(['id', 'tenant', 'status', 'options'])}.`);
  const done = await api.json(`/v1/batches/${id}?wait=30`);
  const doneFields = ['status', 'progress', 'stages', 'timings'];
  put('crm-finished', fence('json', formatJson(pick(done, doneFields))), `${REAL}, ${only(doneFields)}.`);
  put('crm-log', fence('text', crmLog.join('\n')), `${REAL}: the mock CRM's log for this batch.`);
  const events = await (await api.get(`/v1/batches/${id}/events`)).text();
  const retrying = events.split(/\n\n+/).find((e) => e.includes('event: stage.retrying')) ?? '(no stage.retrying event in this run)';
  put('crm-retrying', fence('text', retrying), `${REAL}: the stream's first \`stage.retrying\` event.`);
  const failed = await api.json<{ items: unknown[] }>(`/v1/batches/${id}/workflows?status=failed`);
  const wfFields = ['clientId', 'status', 'stage', 'attempts', 'error'];
  put('crm-failed', fence('json', formatJson({ ...failed, items: failed.items.map((w) => pick(w, wfFields)) })),
    `${REAL}; of each workflow, ${only(wfFields)}.`);
}

/** docs/guide/flow-control.md: a limit on a key, a batch naming it, the key's use a moment later. */
export async function flowControl(api: Api): Promise<void> {
  const set = await asCurl(await api.send('PUT', '/v1/limits/crm:acme', { rate: 500, periodMs: 1000, concurrency: 50 }));
  const { id } = await (await api.post('/v1/batches', { clientIds: [1, 2, 3], stages: 'http', flowKey: 'crm:acme' })).json() as { id: string };
  // While the batch runs: its workflows hold the key's slots.
  let use = await asCurl(await api.get('/v1/limits/crm:acme'));
  for (let i = 0; i < 50 && (use.body as { inUse: number }).inUse === 0; i++) {
    await sleep(10);
    use = await asCurl(await api.get('/v1/limits/crm:acme'));
  }
  await api.get(`/v1/batches/${id}?wait=30`);
  put('flow-limit', fence('http', `${set.text}\n\n$ curl http://127.0.0.1:3000/v1/limits/crm:acme   # while the batch runs\n${use.text}`), HEADERS_NOTE);
}

/** docs/guide/webhooks.md: a batch with a callbackUrl, what the receiver got, the outcome on the batch. */
export async function webhooks(api: Api, receiver: { port: number; hooks: Hook[] }): Promise<void> {
  receiver.hooks.length = 0;
  const created = await asCurl(await api.post('/v1/batches', {
    clientIds: [1, 2, 3], label: 'with a webhook', simulation: { fetchMs: 200, processMs: 300, storeMs: 100 },
    callbackUrl: `http://127.0.0.1:${receiver.port}/hooks/clientflow?token=abc`,
  }), ['id', 'status', 'label', 'webhook']);
  const id = (created.body as { id: string }).id;
  put('webhook-post', fence('http', created.text), `${HEADERS_NOTE} Of the batch, ${only(['id', 'status', 'label', 'webhook'])}.`);
  let batch: { webhook: { status: string } };
  while ((batch = await api.json(`/v1/batches/${id}`)).webhook.status === 'pending') await sleep(50);
  const hook = receiver.hooks[0];
  if (!hook) throw new Error('the receiver got no webhook');
  const headers = ['content-type', 'user-agent', 'clientflow-attempt', 'webhook-id', 'webhook-timestamp', 'webhook-signature'];
  const bodyFields = ['id', 'status', 'label', 'finishedAt', 'progress', 'webhook'];
  const received = [
    `${hook.method} ${hook.url}`,
    ...headers.map((h) => `${h}: ${String(hook.headers[h])}`),
    '',
    formatJson(pick(JSON.parse(hook.body), bodyFields)),
  ];
  put('webhook-received', fence('http', received.join('\n')),
    `${REAL}: what the receiver got; of the headers, the ones above; of the body (the whole batch), ${only(bodyFields)}.`);
  put('webhook-outcome', fence('json', formatJson(pick(batch, ['status', 'webhook']))), `${REAL}, ${only(['status', 'webhook'])}.`);
}

/** docs/operate/security.md: a key made with the CLI, used on /v1/me; a tenant's quotas set over HTTP. */
export async function keys(api: Api, root: string, env: NodeJS.ProcessEnv): Promise<void> {
  const cli = (...args: string[]) => promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { cwd: root, env });
  const { stdout } = await cli('keys', 'create', '--tenant', 'acme', '--label', 'acme CI');
  const key = /cf_\S+/.exec(stdout)?.[0];
  if (!key) throw new Error(`no key in: ${stdout}`);
  // The secret is cut: a key in a doc would look like one to use.
  const secret = key.slice(key.indexOf('_', 3) + 1);
  put('keys-create', fence('text', `$ npx clientflow keys create --tenant acme --label "acme CI"\n${stdout.replace(secret, '…').trimEnd()}`),
    `${REAL}, the key's secret cut to \`…\`.`);
  const me = await asCurl(await api.get('/v1/me', { authorization: `Bearer ${key}` }));
  put('keys-me', fence('http', me.text), HEADERS_NOTE);
  const quotas = await asCurl(await api.send('PUT', '/v1/tenants/acme', { maxQueued: 5000, maxRunning: 20, priorityMax: 5 }));
  put('tenant-quotas', fence('http', quotas.text), HEADERS_NOTE);
}
