/** Real responses from the README's walk-through, shown in Swagger UI next to each schema. */
const id = '209aa845-b2b6-45ab-9fb0-0784b0011911';
const stats = (avg: number, p95: number) => ({ succeeded: 5, failed: 0, running: 0, avgMs: avg, p95Ms: p95, maxMs: p95 });

export const batchExample = {
  id,
  tenant: 'acme',
  status: 'succeeded',
  label: 'tutorial',
  priority: 0,
  options: { maxConcurrency: null, retry: null, timeouts: null, simulation: null, stages: 'simulated', crmKey: null, flowKey: null },
  createdAt: '2026-11-22T22:05:53.804Z',
  startedAt: '2026-11-22T22:05:53.870Z',
  finishedAt: '2026-11-22T22:05:59.886Z',
  progress: { total: 5, queued: 0, running: 0, succeeded: 5, failed: 0, canceled: 0, percent: 100 },
  stages: { fetch: stats(2002.6, 2005), process: stats(3001, 3001), store: stats(1003.2, 1004) },
  timings: {
    elapsedMs: 6082,
    queueWaitMs: { avg: 69.2, p95: 70, max: 70 },
    workflowMs: { avg: 6012.8, p95: 6016, max: 6016 },
    sequentialMs: 30064,
    speedup: 4.94,
  },
  links: { self: `/v1/batches/${id}`, workflows: `/v1/batches/${id}/workflows` },
  webhook: {
    url: 'https://example.com/…', status: 'delivered', attempts: 1, lastError: null,
    deliveredAt: '2026-11-22T22:05:59.912Z',
  },
};

const stage = (name: string, startedAt: string, finishedAt: string, durationMs: number) =>
  ({ name, status: 'succeeded', attempts: 1, startedAt, finishedAt, durationMs, error: null });

export const workflowExample = {
  id: 'c08e66d3-5357-407d-8ffd-93d1f1d0ee9d',
  batchId: id,
  clientId: 1,
  status: 'succeeded',
  stage: 'store',
  attempts: 3,
  queuedAt: '2026-11-22T22:05:53.804Z',
  startedAt: '2026-11-22T22:05:53.870Z',
  finishedAt: '2026-11-22T22:05:59.886Z',
  queueWaitMs: 66,
  durationMs: 6016,
  nextAttemptAt: null,
  stages: [
    stage('fetch', '2026-11-22T22:05:53.870Z', '2026-11-22T22:05:55.875Z', 2005),
    stage('process', '2026-11-22T22:05:55.879Z', '2026-11-22T22:05:58.880Z', 3001),
    stage('store', '2026-11-22T22:05:58.882Z', '2026-11-22T22:05:59.886Z', 1004),
  ],
  result: {
    clientId: 1,
    name: 'Elena Vega',
    stats: { orderCount: 4, total: 1285.94, mean: 321.49, max: 558.4 },
    validation: { valid: true, problems: [] },
    storedAt: '2026-11-22T22:05:59.883Z',
  },
  error: null,
};

const problem = (status: number, title: string, slug: string, detail: string, instance: string, errors?: Array<{ path: string; message: string }>) => ({
  type: `https://clientflow.dev/problems/${slug}`, title, status, detail, instance,
  requestId: '0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59', ...(errors && { errors }),
});

/** One real answer per status, so each status's entry shows what that status says. */
export const problemExamples: Record<number, unknown> = {
  400: problem(400, 'Bad Request', 'duplicate-client-ids', 'clientIds must not repeat: /body/clientIds/2', '/v1/batches',
    [{ path: '/body/clientIds/2', message: 'duplicates /body/clientIds/0 (1)' }]),
  401: problem(401, 'Unauthorized', 'unauthorized', 'this endpoint needs an API key: send Authorization: Bearer <key>', '/v1/batches'),
  403: problem(403, 'Forbidden', 'forbidden', 'this endpoint needs an admin key', '/v1/keys'),
  404: problem(404, 'Not Found', 'not-found', `no batch with id ${id}`, `/v1/batches/${id}`),
  409: problem(409, 'Conflict', 'not-retryable', 'workflow c08e66d3-5357-407d-8ffd-93d1f1d0ee9d is succeeded; only failed or canceled workflows can be retried',
    '/v1/workflows/c08e66d3-5357-407d-8ffd-93d1f1d0ee9d/retry'),
  413: problem(413, 'Payload Too Large', 'body-too-large', 'Request body is too large', '/v1/batches'),
  415: problem(415, 'Unsupported Media Type', 'unsupported-media-type',
    'Content-Type "text/plain" is not accepted: send the body as application/json', '/v1/batches'),
  422: problem(422, 'Unprocessable Entity', 'idempotency-key-reused',
    'this Idempotency-Key was used with a different request body', '/v1/batches'),
  429: problem(429, 'Too Many Requests', 'queue-full', 'the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted', '/v1/batches'),
  503: problem(503, 'Service Unavailable', 'not-accepting', 'the service is shutting down and takes no new batches; retry shortly', '/v1/batches'),
  507: problem(507, 'Insufficient Storage', 'storage-quota',
    'tenant acme stores 999995 workflows (until retention purges them); accepting this batch would pass its quota of 1000000; nothing was accepted', '/v1/batches'),
};
