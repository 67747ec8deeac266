/**
 * TypeBox schemas for every request and response: the single source of truth for validation,
 * TypeScript types, response serialisation and the generated OpenAPI document. Status unions
 * come from model/statuses.ts. Bodies and answers are named (schema-kit.ts `named`) and used by
 * `$ref`; parameters stay inline, as OpenAPI lists them one by one. The events of the SSE stream
 * are in event-schemas.ts.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { FLOW_KEY_PATTERN } from '../model/flow-limits.js';
import { TENANT_PATTERN } from '../model/tenants.js';
import { BATCH_STATUSES, STAGES, STAGE_STATUSES, WEBHOOK_STATUSES, WORKFLOW_STATUSES } from '../model/statuses.js';
import { STAGE_SETS, type Batch as BatchModel, type BatchOptions, type Workflow as WorkflowModel } from '../model/types.js';
import { batchExample, problemExamples, workflowExample } from './examples.js';
import { Enum, Id, Ms, Nullable, Time, named } from './schema-kit.js';

export const MAX_CLIENT_ID = Number.MAX_SAFE_INTEGER;

export const ClientId = named('ClientId', Type.Union([
  Type.String({ minLength: 1, maxLength: 128 }),
  Type.Integer({ minimum: 0, maximum: MAX_CLIENT_ID }),
], {
  description: `A client id: a string of 1 to 128 characters, or an integer from 0 to ${MAX_CLIENT_ID}. Compared as sent: "1" and 1 differ.`,
  // The message a 400 gives for a value that is neither (see http/problem.ts).
  'x-error': `must be a string of 1 to 128 characters or an integer from 0 to ${MAX_CLIENT_ID}`,
}));

export const Simulation = named('Simulation', Type.Object({
  fetchMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'Fetch latency override, ms.' })),
  processMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'Process latency override, ms.' })),
  storeMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'Store latency override, ms.' })),
  processCpuMs: Type.Optional(Type.Integer({
    minimum: 0, maximum: 600_000,
    description: 'CPU busy work per client in the process stage, ms (after processMs; in a worker thread when the server has PROCESS_WORKERS).',
  })),
  jitter: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Each delay varies uniformly by ± this fraction.' })),
  failureRate: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'Probability that a stage attempt fails.' })),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 32 - 1, description: 'Seed for jitter and failures.' })),
  failStage: Type.Optional(Enum(STAGES, 'This stage fails with a permanent (not retried) error.')),
  failStageRate: Type.Optional(Type.Number({
    minimum: 0, maximum: 1, description: 'Share of the clients (chosen by the seed) whose failStage fails. Default 1.',
  })),
}, { additionalProperties: false, description: 'Per-batch overrides for demos and tests.' }));

export const RetryOptions = named('RetryOptions', Type.Object({
  maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Attempts per stage, the first included.' })),
  baseMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'Backoff ceiling before the second attempt; doubles each attempt.' })),
  maxMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'Cap on any one backoff.' })),
}, { additionalProperties: false, description: 'Overrides the server\'s retry policy (exponential backoff, full jitter) for retryable failures.' }));

const STAGE_SET_TEXT = 'Which stages run: simulated (delays, synthesised records) or http (each client fetched from the CRM at the server\'s CRM_URL_TEMPLATE).';
export const StageSet = Enum(STAGE_SETS, STAGE_SET_TEXT);

const CRM_KEY_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@/+=-]*$';
export const CrmKey = Type.String({
  minLength: 1, maxLength: 128, pattern: CRM_KEY_PATTERN,
  description: 'Sent to the CRM as the x-crm-key header with each of the batch\'s requests (the CRM\'s per-key quota). '
    + 'A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.',
  'x-error': 'must be 1 to 128 letters, digits and ._:@/+=- starting with a letter or digit',
});

export const FlowKey = Type.String({
  pattern: FLOW_KEY_PATTERN,
  description: 'A flow key (e.g. crm:acme): every workflow of every batch naming it shares the key\'s limit (PUT /v1/limits/{key}); also sent to the CRM as x-crm-key when crmKey is unset. '
    + 'A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.',
  'x-error': 'must be 1 to 128 of a-z 0-9 and :._- starting with a letter or digit',
  examples: ['crm:acme'],
});

const timeout = (stage: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400_000, description: `Timeout of one ${stage} attempt, ms.` }));
export const StageTimeouts = named('StageTimeouts', Type.Object({
  fetchMs: timeout('fetch'), processMs: timeout('process'), storeMs: timeout('store'),
}, { additionalProperties: false, description: 'Per-stage attempt timeouts; a timed-out attempt is aborted and retried.' }));

// --- Webhooks: the callbackUrl a batch may carry and its delivery state (engine/webhooks.ts). ---
export const CALLBACK_URL_MAX_LENGTH = 2048;
const CallbackUrl = Type.String({
  minLength: 1, maxLength: CALLBACK_URL_MAX_LENGTH, format: 'uri',
  description: 'An http: or https: URL that gets the finished batch (as GET /v1/batches/{id} shows it) in a POST signed '
    + 'as Standard Webhooks define it (headers webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 '
    + 'of "<id>.<timestamp>.<body>">). Needs WEBHOOK_SECRET on the server. Only public addresses are called: an IP '
    + 'address that is loopback, private, link-local or otherwise not public is refused here (400), and a host name '
    + 'resolving to one fails at delivery; the server\'s WEBHOOK_ALLOW_HOSTS names exceptions.',
  examples: ['https://example.com/hooks/clientflow'],
});
export const WebhookState = named('Webhook', Type.Object({
  url: Type.String({
    description: 'The callbackUrl as readers see it: scheme, host and port, then "/…" when it has any path, query or '
      + 'fragment (where tokens live), e.g. "https://example.com/…". The server keeps the whole URL to deliver to.',
  }),
  status: Enum(WEBHOOK_STATUSES, 'pending until the batch finishes and a 2xx answer arrives (delivered), or every attempt failed (failed).'),
  attempts: Type.Integer({ minimum: 0, description: 'Delivery attempts made (WEBHOOK_MAX_ATTEMPTS at most).' }),
  lastError: Nullable(Type.String({
    description: '"delivery failed" after a failed attempt, whatever the cause (an HTTP status, a 3xx: redirects are not '
      + 'followed, a timeout, a refused address, DNS or connection error alike); the service\'s log has the reason.',
  })),
  deliveredAt: Nullable(Time),
}, { description: 'The webhook delivery of the finished batch.' }));

/**
 * Free text a store keeps as sent: PostgreSQL text holds no NUL (a 500 before this), and an
 * unpaired surrogate is not text (it comes back as U+FFFD). Every label takes only this.
 */
export const STORED_TEXT = '^[^\\u0000\\p{Cs}]*$';

export const MaxConcurrency = Type.Integer({ minimum: 1, maximum: 100_000, description: 'Most workflows of this batch running at once.' });

/** The body of POST /v1/batches; registered as BatchCreate (sharedSchemas) with this server's MAX_BATCH_SIZE. */
export const createBatchBody = (maxBatchSize: number) => Type.Object({
  clientIds: Type.Array(ClientId, {
    minItems: 1,
    maxItems: maxBatchSize,
    description: `1 to ${maxBatchSize} client ids, no duplicates; each becomes one workflow.`,
  }),
  priority: Type.Optional(Type.Integer({
    minimum: -1000, maximum: 1000, default: 0,
    description: 'Among its tenant\'s batches, higher runs first; tenants share the workers equally whatever their priorities. Default 0.',
  })),
  label: Type.Optional(Type.String({
    minLength: 1, maxLength: 200,
    pattern: STORED_TEXT,
    description: 'Free text shown with the batch: 1 to 200 characters, no NUL and no unpaired surrogate.',
    'x-error': 'must be 1 to 200 characters of text, without NUL characters or unpaired surrogates',
  })),
  maxConcurrency: Type.Optional(MaxConcurrency),
  retry: Type.Optional(RetryOptions),
  timeouts: Type.Optional(StageTimeouts),
  simulation: Type.Optional(Simulation),
  callbackUrl: Type.Optional(CallbackUrl),
  stages: Type.Optional(Enum(STAGE_SETS, `${STAGE_SET_TEXT} Default: the server's DEFAULT_STAGES.`)),
  crmKey: Type.Optional(CrmKey),
  flowKey: Type.Optional(FlowKey),
}, {
  additionalProperties: false,
  examples: [{ clientIds: [1, 2, 3, 4, 5], label: 'tutorial' }],
});
export type CreateBatchBody = Static<ReturnType<typeof createBatchBody>>;
export const BatchCreate = Type.Unsafe<CreateBatchBody>({ $ref: 'BatchCreate#' });

const Summary = Nullable(named('TimingSummary', Type.Object({ avg: Type.Number(), p95: Type.Number(), max: Type.Number() }, {
  description: 'avg, nearest-rank p95 and max in ms; null before there is any value.',
})));
const StageStats = named('StageStats', Type.Object({
  succeeded: Type.Integer(), failed: Type.Integer(), running: Type.Integer(),
  avgMs: Nullable(Type.Number()), p95Ms: Nullable(Type.Number()), maxMs: Nullable(Type.Number()),
}, { description: 'One stage across a batch\'s workflows: counts and durations (ms).' }));
export const ErrorInfo = named('ErrorInfo', Type.Object({ code: Type.String(), message: Type.String() }, { description: 'Why a stage attempt failed.' }));

export const TenantId = Type.String({ pattern: TENANT_PATTERN, description: 'A tenant id: lower-case letters, digits, - and _, up to 63.', examples: ['acme'] });

export const Progress = named('Progress', Type.Object({
  total: Type.Integer(), queued: Type.Integer(), running: Type.Integer(), succeeded: Type.Integer(),
  failed: Type.Integer(), canceled: Type.Integer(),
  percent: Type.Number({ minimum: 0, maximum: 100, description: 'Finished stage runs / (total × 3) × 100.' }),
}, { description: 'How many of a batch\'s workflows are in each status.' }));

/** A batch as the API shows it; src/model/types.ts Batch must agree (checked below). */
export const BatchShape = Type.Object({
  id: Id('batch'),
  tenant: { ...TenantId, description: 'The tenant that owns the batch (its API key\'s).' },
  status: Enum(BATCH_STATUSES, 'queued until a workflow starts → running → succeeded, failed or canceled.'),
  label: Nullable(Type.String()),
  priority: Type.Integer(),
  options: Type.Object({
    maxConcurrency: Nullable(MaxConcurrency),
    retry: Nullable(RetryOptions),
    timeouts: Nullable(StageTimeouts),
    simulation: Nullable(Simulation),
    stages: StageSet,
    crmKey: Nullable(CrmKey),
    flowKey: Nullable(FlowKey),
  }, { description: 'What the batch asked for beyond its ids (null: the server default).' }),
  createdAt: Time,
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
  progress: Progress,
  stages: Type.Object(Object.fromEntries(STAGES.map((s) => [s, StageStats])) as Record<(typeof STAGES)[number], typeof StageStats>),
  timings: Type.Object({
    elapsedMs: Nullable(Type.Integer({ description: 'createdAt → finishedAt, or → now while unfinished.' })),
    queueWaitMs: Summary,
    workflowMs: Summary,
    sequentialMs: Type.Integer({ description: 'Sum of the finished workflows\' durations: the cost one at a time.' }),
    speedup: Nullable(Type.Number({ description: 'sequentialMs / elapsedMs.' })),
  }),
  links: Type.Object({ self: Type.String(), workflows: Type.String() }),
  webhook: Nullable(WebhookState),
}, { description: 'A batch with its progress and timings.', examples: [batchExample] });
export const Batch = named('Batch', BatchShape);

export const Stage = named('Stage', Type.Object({
  name: Enum(STAGES, 'Stage name.'),
  status: Enum(STAGE_STATUSES, 'The stage\'s status.'),
  attempts: Type.Integer(),
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
  durationMs: Nullable(Ms),
  error: Nullable(ErrorInfo),
}, { description: 'One stage of one workflow.' }));

/** A workflow as the API shows it; src/model/types.ts Workflow must agree (checked below). */
export const WorkflowShape = Type.Object({
  id: Id('workflow'),
  batchId: Id('batch'),
  clientId: ClientId,
  status: Enum(WORKFLOW_STATUSES, 'The workflow\'s status.'),
  stage: Nullable(Enum(STAGES, 'The stage running now, or the last one that ran.')),
  attempts: Type.Integer({ description: 'Total stage attempts (3 when nothing was re-run).' }),
  queuedAt: Time,
  startedAt: Nullable(Time),
  finishedAt: Nullable(Time),
  queueWaitMs: Nullable(Ms),
  durationMs: Nullable(Ms),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time', description: 'When a failed stage is due to run again (retry backoff).' })),
  stages: Type.Array(Stage),
  result: Nullable(Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true, description: 'What the store stage persisted.' }))),
  error: Nullable(Type.Object({ stage: Enum(STAGES, 'The stage that failed.'), code: Type.String(), message: Type.String() })),
}, { description: "One client id's run through the stages.", examples: [workflowExample] });
export const Workflow = named('Workflow', WorkflowShape);

export const pageOf = <T extends TSchema>(name: string, item: T) => named(name, Type.Object({
  items: Type.Array(item),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last.' })),
}, { description: 'One page of a list, in a stable order.' }));
export const BatchPage = pageOf('BatchPage', Batch);
export const WorkflowPage = pageOf('WorkflowPage', Workflow);

export const listQuery = <S extends TSchema>(status: S) => ({
  status: Type.Optional(status),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50, description: 'Page size, 1..1000.', examples: [20] })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'nextCursor from the previous page.' })),
});
export const BatchListQuery = Type.Object({
  ...listQuery(Enum(BATCH_STATUSES, 'Only batches with this status.')),
  tenant: Type.Optional({ ...TenantId, description: 'Only this tenant\'s batches (an admin key; any other key lists only its own tenant\'s).' }),
});
export const WorkflowListQuery = Type.Object(listQuery(Enum(WORKFLOW_STATUSES, 'Only workflows with this status.')));
export const IdParams = Type.Object({ id: Id('resource') });
export const BatchGetQuery = Type.Object({
  wait: Type.Optional(Type.Integer({
    minimum: 0, maximum: 60,
    description: 'Long-poll: hold the answer up to this many seconds until the batch finishes (0: answer now).',
  })),
});
export const TimelineQuery = Type.Object({
  rows: Type.Optional(Type.Integer({
    minimum: 1, maximum: 1000, default: 50,
    description: 'How many workflows to draw, first by creation order (1..1000). A cut chart says "showing N of M".',
  })),
  status: Type.Optional(Enum(WORKFLOW_STATUSES, 'Draw only the workflows with this status now (e.g. running, in a batch larger than rows).')),
});
export const EventStreamHeaders = Type.Object({
  'last-event-id': Type.Optional(Type.String({
    pattern: '^[0-9]{0,15}$',
    description: 'Resume after this event id (one of this batch\'s events): every later event of the batch is replayed first.',
  })),
});
export const RetryQuery = Type.Object({
  includeCanceled: Type.Optional(Type.Boolean({ default: false, description: 'Also requeue canceled workflows.' })),
});
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    minLength: 1, maxLength: 255,
    description: 'Replays the original batch for a repeated request with the same key and body (200, '
      + 'Idempotent-Replayed: true); the same key with another body is a 422. Keys are kept for IDEMPOTENCY_TTL_MS.',
  })),
});

export const Problem = named('Problem', Type.Object({
  type: Type.String({ description: 'A URI naming the kind of problem.' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  instance: Type.Optional(Type.String()),
  requestId: Type.String({ description: 'This request\'s id, also in the x-request-id response header: quote it when reporting a problem.' }),
  errors: Type.Optional(Type.Array(Type.Object({
    path: Type.String({ description: 'JSON Pointer into the request part, e.g. /body/clientIds/3.' }),
    message: Type.String(),
  }))),
}, { description: 'RFC 9457 problem details.' }));

/**
 * A JSON answer of a named schema with its own description (and headers): a `$ref` takes no
 * sibling keywords in every tool, so the schema goes under `content`.
 */
export function json<T extends TSchema>(schema: T, description: string, headers?: Record<string, unknown>) {
  return { description, ...(headers && { headers }), content: { 'application/json': { schema } } };
}

/** Response schema entries for problem+json answers, each with an example of its own status. */
export function problems(...statuses: number[]): Record<number, unknown> {
  const descriptions: Record<number, string> = {
    400: 'Invalid request', 401: 'No valid API key (send Authorization: Bearer <key>)',
    403: 'The key may not do this (another tenant\'s data, an admin endpoint, or past a quota)', 404: 'Not found', 409: 'Not in a state that allows this', 413: 'Body too large',
    415: 'Body is not application/json', 422: 'Idempotency-Key reused with a different body',
    429: 'Queue full or rate limited: retry after the Retry-After seconds', 503: 'Not accepting work (shutting down)',
    507: 'The tenant stores as many workflows as its quota maxStored allows, until retention purges some',
  };
  return Object.fromEntries(statuses.map((s) => [s, {
    description: descriptions[s] ?? 'Problem',
    content: { 'application/problem+json': { schema: Problem, example: problemExamples[s] } },
  }]));
}

export const Health = named('Health', Type.Object({ status: Type.String() }, { description: 'The process is alive.' }));
export const Ready = named('Ready', Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
  checks: Type.Object({ store: Type.Boolean(), engine: Type.Boolean() }),
}, { description: 'Whether the store answers and the engine takes work.' }));

// --- Metrics -------------------------------------------------------------------------------------

/** GET /metrics: the Prometheus text exposition format, not JSON. */
export const MetricsText = Type.String({
  description: 'Prometheus text exposition format 0.0.4 (# HELP, # TYPE, then one sample per line).',
  examples: ['# HELP clientflow_workflows Workflows by status, across all batches in the store.\n'
    + '# TYPE clientflow_workflows gauge\nclientflow_workflows{status="succeeded"} 5\n'],
});

// --- Tenants and keys (admin) ---------------------------------------------------------------------

const QuotaFields = {
  maxQueued: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Most workflows queued at once.' }),
  maxRunning: Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Most workflows running at once across replicas (null: no cap).' })),
  priorityMin: Type.Integer({ minimum: -1000, maximum: 1000, description: 'Lowest priority a batch may ask for.' }),
  priorityMax: Type.Integer({ minimum: -1000, maximum: 1000, description: 'Highest priority a batch may ask for.' }),
  maxAttempts: Type.Integer({ minimum: 1, maximum: 100, description: 'Most attempts per stage a batch may ask for.' }),
  maxTimeoutMs: Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'Longest stage timeout or retry backoff a batch may ask for, ms.' }),
  maxDelayMs: Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'Longest simulated stage delay a batch may ask for, ms.' }),
  maxCpuMs: Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'Longest simulated CPU work (simulation.processCpuMs) a batch may ask for, ms.' }),
  maxStored: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, description: 'Most workflows stored, whatever their status, until retention purges them.' }),
  maxStreams: Type.Integer({ minimum: 1, maximum: 100_000, description: 'Event streams, long-polls and exports open at once, per process.' }),
  ratePerMinute: Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'Requests per minute per key.' }),
  flowKeys: Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: CRM_KEY_PATTERN }), {
    maxItems: 100,
    description: 'Flow and CRM keys granted beyond the tenant\'s own ("<tenant>" and "<tenant>:…"): a batch may name only these as flowKey or crmKey.',
  }),
  maxSchedules: Type.Integer({ minimum: 0, maximum: 100_000, description: 'Most schedules of the tenant.' }),
  minScheduleIntervalMs: Type.Integer({ minimum: 1000, maximum: 86_400_000, description: 'Shortest time between two ticks of one schedule, ms.' }),
  maxScheduleBatch: Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Most client ids the batch of one schedule tick may hold.' }),
  retentionDays: Type.Integer({
    minimum: 0, maximum: 36_500,
    description: 'Days a finished batch of the tenant is kept before it is deleted with its workflows and events (default: the server\'s RETENTION_DAYS); 0 keeps them forever.',
  }),
};
/** A tenant's own quotas: the fields set; every other one takes the server's default. */
export const QuotasFields = Type.Object(
  Object.fromEntries(Object.entries(QuotaFields).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof typeof QuotaFields]: ReturnType<typeof Type.Optional<(typeof QuotaFields)[K]>> },
  { additionalProperties: false, description: 'Quotas set for this tenant; a field left out takes the server default (TENANT_* variables).' },
);
export const QuotasBody = named('Quotas', QuotasFields);
export const TenantParams = Type.Object({ id: TenantId });
export const TenantView = named('Tenant', Type.Object({
  id: TenantId,
  quotas: QuotasBody,
  effective: Type.Object(QuotaFields, { description: 'What applies: the tenant\'s own quotas over the server defaults.' }),
  createdAt: Nullable(Time),
}, { description: 'A tenant and its quotas.' }));
export const KeyId = Type.String({ pattern: '^[a-z0-9]{12}$', description: 'A key\'s public id (the part after cf_).' });
const KeyFields = Type.Object({
  id: KeyId,
  tenant: TenantId,
  admin: Type.Boolean({ description: 'Reads and acts on every tenant\'s data, manages keys and quotas.' }),
  label: Nullable(Type.String()),
  createdAt: Time,
  revokedAt: Nullable(Time),
}, { description: 'An API key (never the key itself, which is shown once, at creation).' });
export const KeyView = named('Key', KeyFields);
export const NewKeyFields = Type.Object({
  tenant: TenantId,
  admin: Type.Optional(Type.Boolean({ default: false })),
  label: Type.Optional(Type.String({
    maxLength: 200, pattern: STORED_TEXT,
    description: 'Free text shown with the key: up to 200 characters, no NUL and no unpaired surrogate.',
    'x-error': 'must be up to 200 characters of text, without NUL characters or unpaired surrogates',
  })),
}, { additionalProperties: false, description: 'A key to make: its tenant (created if new), whether it is an admin key, a label.' });
export const NewKeyBody = named('NewKey', NewKeyFields);
export const CreatedKey = named('CreatedKey', Type.Object({
  ...KeyFields.properties,
  key: Type.String({ description: 'The key: send it as Authorization: Bearer <key>. Shown only now; only its hash is stored.' }),
}, { description: 'A new API key, with the key itself (shown only once).' }));
export const KeyList = named('KeyList', Type.Object({ items: Type.Array(KeyView) }, { description: 'API keys, revoked ones too.' }));
export const TenantList = named('TenantList', Type.Object({ items: Type.Array(TenantView) }, { description: 'Tenants and their quotas.' }));
export const KeyListQuery = Type.Object({ tenant: Type.Optional(TenantId) });
export const Me = named('Me', Type.Object({
  tenant: TenantId,
  admin: Type.Boolean(),
  keyId: Nullable(KeyId),
}, { description: 'Who the request acts as.' }));

export const FlowLimitParams = Type.Object({ key: FlowKey });
const limitFields = {
  concurrency: Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Most workflows of the key leased at once, across replicas; null: no cap.' })),
  rate: Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Claims of the key per periodMs (token bucket); null: no rate.' })),
  periodMs: Nullable(Type.Integer({ minimum: 1, maximum: 86_400_000, description: 'The rate\'s period in ms (with rate).' })),
  burst: Nullable(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Most tokens the bucket holds; null: rate.' })),
};
export const FlowLimitBody = named('FlowLimitUpdate', Type.Object(
  Object.fromEntries(Object.entries(limitFields).map(([k, v]) => [k, Type.Optional(v)])) as { [K in keyof typeof limitFields]: ReturnType<typeof Type.Optional<(typeof limitFields)[K]>> },
  { additionalProperties: false, description: 'A flow key\'s limit; a field left out or null does not limit.', examples: [{ rate: 500, periodMs: 1000, concurrency: 50 }] },
));
export const FlowLimitView = named('FlowLimit', Type.Object({
  key: FlowKey,
  ...limitFields,
  inUse: Type.Integer({ description: 'Workflows of the key\'s batches leased now.' }),
  waiting: Type.Integer({ description: 'Workflows of the key\'s batches waiting (unfinished, not leased).' }),
  throttled: Type.Integer({ description: 'Claims that found work of the key but no token, since the limit was created.' }),
  tokens: Nullable(Type.Number({ description: 'Tokens in the bucket now; null without a rate.' })),
  pausedUntil: Nullable(Type.String({
    format: 'date-time',
    description: 'Until when the key is (or was last) paused: the CRM answered 429 or 503 with Retry-After, and no replica claims its work before then; null: never paused.',
  })),
  pauses: Type.Integer({ description: 'Times the CRM paused the key.' }),
}, { description: 'A flow key\'s limit and its use.' }));

// --- The model's types agree with the schemas -------------------------------------------------
// src/model/types.ts writes Batch and Workflow for the layers below HTTP, which may not import
// this file. These lines fail `npm run typecheck` when the two drift apart.

/** Objects flattened all the way down, so two ways of writing the same shape compare equal. */
type Flat<T> = T extends (infer I)[] ? Flat<I>[] : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
/** true only when A and B are the same type (optional and readonly marks included). */
type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends (<T>() => T extends Flat<B> ? 1 : 2) ? true : false;
/** What HTTP adds to the model's batch: links, and every option spelled out (batch routes' withLinks). */
type BatchAnswer = Omit<BatchModel, 'options'> & {
  options: Required<BatchOptions>;
  links: { self: string; workflows: string };
};
export const schemasMatchModel: [Same<Static<typeof BatchShape>, BatchAnswer>, Same<Static<typeof WorkflowShape>, Omit<WorkflowModel, 'tenant'>>] = [true, true];
