/**
 * The service's configuration: one TypeBox schema over the environment, validated once at start
 * and passed down as a plain frozen object. Nothing below `server.ts` reads `process.env`.
 */
import Type, { type Static, type TLiteral } from 'typebox';
import Value from 'typebox/value';
import { ClientflowError } from './model/errors.js';
import { parseFlowLimits } from './model/flow-limits.js';
import { STAGE_SETS } from './model/types.js';
import { parseAllowList } from './net/address-policy.js';
import { parseCrmUrlTemplate } from './net/crm-url.js';
import { secretKey, SECRET_FORM } from './net/webhook-signature.js';
import { parseKeyValues, PROTOCOLS, SAMPLERS, type TracingOptions } from './telemetry/options.js';

/** One ALLOWED_HOSTS entry: a name or [IPv6], an optional port. */
const HOST_ENTRY = '(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.-]+)(:[0-9]{1,5})?';

/** One literal per value of a list declared `as const`: the schema's union and its static type both follow the list. */
const literals = <const T extends readonly string[]>(values: T) =>
  values.map((v) => Type.Literal(v)) as unknown as { -readonly [K in keyof T]: TLiteral<T[K]> };

const Int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description });

export const ConfigSchema = Type.Object({
  /** @default 3000 */
  PORT: Int(0, 65535, 3000, 'TCP port to listen on.'),
  /** @default "127.0.0.1" (the container image sets 0.0.0.0) */
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on.' }),
  // --- The store: SQLite or PostgreSQL (store/index.ts) ---
  /** @default "./data/clientflow.db" */
  DB_PATH: Type.String({
    minLength: 1,
    default: './data/clientflow.db',
    description: 'Embedded SQLite file; ":memory:" keeps nothing.',
  }),
  /**
   * How commits reach the disk. `full` fsyncs every commit: an accepted batch survives a power
   * cut. `normal` survives a crash of the process but may lose the last commits on power loss.
   * @default "full"
   */
  DB_SYNC: Type.Union([Type.Literal('full'), Type.Literal('normal')], {
    default: 'full',
    description: 'full | normal — fsync every commit (full) or only at checkpoints (normal).',
  }),
  /**
   * A PostgreSQL database (`postgres://user:password@host:port/database`) instead of the SQLite
   * file: many replicas of the service may share it. DB_PATH and DB_SYNC then mean nothing.
   * @default unset
   */
  DATABASE_URL: Type.Optional(Type.String({
    pattern: '^postgres(ql)?://',
    description: 'postgres://… selects the PostgreSQL store (many replicas on one database); unset: the SQLite file.',
  })),
  /**
   * What this process does: `all` serves HTTP and runs workflows; `api` only serves HTTP (batches
   * it accepts are run by other replicas); `worker` only runs workflows and delivers webhooks (its
   * HTTP port answers /healthz, /readyz and /metrics). `api` and `worker` need DATABASE_URL.
   * @default "all"
   */
  RUN_MODE: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], {
    default: 'all',
    description: 'all | api | worker — serve HTTP and run workflows, only serve HTTP, or only run workflows (api and worker need DATABASE_URL).',
  }),
  /**
   * The PostgreSQL schema holding the tables (created if missing): deployments that share one
   * database keep apart by schema.
   * @default "public"
   */
  DB_SCHEMA: Type.String({
    pattern: '^[a-z_][a-z0-9_]{0,47}$', default: 'public',
    description: 'PostgreSQL schema of the tables (with DATABASE_URL); created if missing.',
  }),
  /** One more connection listens for the other replicas' notices. @default 10 */
  DB_POOL_SIZE: Int(1, 1000, 10, 'Most PostgreSQL connections this process opens (with DATABASE_URL).'),
  // --- Results in the caller's PostgreSQL ---
  /**
   * The caller's PostgreSQL (`postgres://user:password@host:port/database`): the store stage also
   * upserts each workflow's result into RESULTS_SCHEMA.RESULTS_TABLE there (created by a
   * migration), one row per workflow. The service's store keeps the result either way.
   * @default unset
   */
  RESULTS_DATABASE_URL: Type.Optional(Type.String({
    pattern: '^postgres(ql)?://',
    description: 'postgres://… where the store stage also upserts every result (one row per workflow); unset: results stay in the service\'s store only.',
  })),
  /** @default "public" */
  RESULTS_SCHEMA: Type.String({
    pattern: '^[a-z_][a-z0-9_]{0,47}$', default: 'public',
    description: 'PostgreSQL schema of the results table (with RESULTS_DATABASE_URL); created if missing.',
  }),
  /** @default "clientflow_results" */
  RESULTS_TABLE: Type.String({
    pattern: '^[a-z_][a-z0-9_]{0,47}$', default: 'clientflow_results',
    description: 'Name of the results table (with RESULTS_DATABASE_URL); created by a migration at start.',
  }),
  /** @default 4 */
  RESULTS_POOL_SIZE: Int(1, 1000, 4, 'Most connections this process opens to RESULTS_DATABASE_URL.'),
  // --- The engine: stages, retries, queue and leases (engine/) ---
  /** @default 50 */
  CONCURRENCY: Int(1, 100_000, 50, 'Workflows running at once in this process.'),
  /**
   * Worker threads for the process stage's CPU work (statistics, validation, a batch's simulated
   * `processCpuMs`), so it never blocks the event loop; 0 runs it inline on the event loop.
   * @default 0
   */
  PROCESS_WORKERS: Int(0, 256, 0, 'Worker threads for the process stage\'s CPU work (piscina); 0 runs it inline on the event loop.'),
  /** @default 2000 */
  FETCH_MS: Int(0, 3_600_000, 2000, 'Simulated latency of the fetch stage, ms.'),
  /** @default 3000 */
  PROCESS_MS: Int(0, 3_600_000, 3000, 'Simulated latency of the process stage, ms.'),
  /** @default 1000 */
  STORE_MS: Int(0, 3_600_000, 1000, 'Simulated latency of the store stage, ms.'),
  /** @default 10000 */
  MAX_BATCH_SIZE: Int(1, 1_000_000, 10_000, 'Most client ids in one POST.'),
  /** @default 3 */
  RETRY_MAX_ATTEMPTS: Int(1, 100, 3, 'Attempts per stage, the first included, for retryable failures.'),
  /** @default 1000 */
  RETRY_BASE_MS: Int(0, 3_600_000, 1000, 'Backoff before the second attempt (exponential, full jitter), ms.'),
  /** @default 30000 */
  RETRY_MAX_MS: Int(0, 3_600_000, 30_000, 'Cap on any one backoff, ms.'),
  /** @default 300000 */
  RETRY_AFTER_MAX_MS: Int(0, 86_400_000, 300_000, 'Cap on the wait a CRM\'s Retry-After may impose before the next attempt (which waits at least the backoff), ms.'),
  /** @default 60000 */
  STAGE_TIMEOUT_MS: Int(1, 86_400_000, 60_000, 'A stage attempt running longer is aborted and counts as a retryable failure, ms.'),
  /** @default 1000000 */
  MAX_QUEUED: Int(1, 1_000_000_000, 1_000_000, 'Most workflows waiting in the queue; a POST past it gets 429.'),
  /** @default 86400000 */
  IDEMPOTENCY_TTL_MS: Int(1000, 2_592_000_000, 86_400_000, 'How long an Idempotency-Key is remembered, ms.'),
  /** @default 30000 */
  LEASE_MS: Int(100, 3_600_000, 30_000, 'How long a claim on a workflow holds without renewal (renewed every third of it), ms.'),
  /** @default 1000 */
  POLL_MS: Int(5, 60_000, 1_000, 'How often the dispatcher looks for work nobody announced (expired leases, due retries), ms.'),
  /** @default 10000 */
  SHUTDOWN_GRACE_MS: Int(0, 600_000, 10_000, 'On SIGTERM, how long running stages may finish before they are aborted, ms.'),
  // --- Schedules (engine/scheduler.ts) ---
  /**
   * How often each replica's scheduler looks for due schedule ticks it was not woken for (a
   * schedule another replica created or changed); it also wakes at the next tick it knows of.
   * @default 1000
   */
  SCHEDULE_POLL_MS: Int(50, 60_000, 1_000, 'How often the scheduler looks for due schedule ticks, ms.'),
  /**
   * A tick taken later than this after its time (plus its jitter) is missed: a schedule with
   * catch-up `none` skips it, `latest` and `all` fire it (schedules.md). It covers a poll's delay
   * and a busy process; downtime is longer. @default 10000
   */
  SCHEDULE_MISFIRE_MS: Int(0, 3_600_000, 10_000, 'How late a schedule tick may be taken and still be on time (catch-up none skips later ones), ms.'),
  // --- Event streams and long-polls (http/event-stream.ts) ---
  /** The comment line is `: heartbeat`. @default 15000 */
  SSE_HEARTBEAT_MS: Int(10, 600_000, 15_000, 'How often an idle event stream sends a comment line so proxies keep it open, ms.'),
  /**
   * Every stream, long-poll and export holds a connection: whatever this says, they get at most
   * three quarters of MAX_CONNECTIONS (768 of the default 1024), so ordinary requests keep a
   * quarter. Each tenant gets at most its `maxStreams` of them (TENANT_MAX_STREAMS). @default 1000
   */
  SSE_MAX_STREAMS: Int(1, 100_000, 1_000, 'Most event streams, long-polls and exports open at once (at most 3/4 of MAX_CONNECTIONS); past it they get 503.'),
  // --- HTTP hardening (http/hardening.ts) ---
  /**
   * Host names, each with an optional `:port`, that a request's Host header may name (a defence
   * against DNS rebinding); `*` allows any. Unset: with a loopback HOST, `localhost`, `127.0.0.1`
   * and `[::1]` on any port; with any other HOST, any host (set it there: the service logs a
   * warning). A request naming another host gets 421. `/healthz` and `/readyz` answer any Host.
   * @default unset
   */
  ALLOWED_HOSTS: Type.Optional(Type.String({
    'x-expects': 'a comma list of host names, each with an optional :port, or *',
    pattern: `^(\\*|${HOST_ENTRY}(\\s*,\\s*${HOST_ENTRY})*)$`,
    description: 'Comma list of host names (optional :port) the Host header may name; * = any. Unset: '
      + 'localhost, 127.0.0.1 and [::1] when HOST is loopback, else any host.',
  })),
  /** Answers may take longer than this (event streams, long-polls): it bounds only the request's arrival. @default 30000 */
  REQUEST_TIMEOUT_MS: Int(1, 3_600_000, 30_000, 'A request not fully received (headers and body) by then gets 408 and its connection is closed, ms.'),
  /** Also closes a connection that sends nothing. @default 10000 */
  HEADERS_TIMEOUT_MS: Int(1, 3_600_000, 10_000, 'A request whose headers are not all received by then gets 408 (at most REQUEST_TIMEOUT_MS), ms.'),
  /**
   * Longer than the 60 s idle timeout of common load balancers, so they never reuse a connection
   * the service is closing. @default 72000
   */
  KEEP_ALIVE_TIMEOUT_MS: Int(1, 3_600_000, 72_000, 'An idle keep-alive connection is closed after this, ms.'),
  /**
   * A connection is idle between requests, and before its first one. At the cap a new connection
   * closes the one idle the longest (HTTP lets a server close an idle keep-alive connection;
   * clients open a new one), so idle connections cannot lock other clients out. Streams and
   * long-polls get at most three quarters of these (SSE_MAX_STREAMS). @default 1024
   */
  MAX_CONNECTIONS: Int(1, 1_000_000, 1024, 'Most client connections open at once. A new one past it closes the connection idle the longest; with none idle it is closed at once.'),
  // --- Retention and logs (engine/retention.ts, logger.ts) ---
  /**
   * How long finished batches are kept: a batch that finished (succeeded, failed or canceled) more
   * than this many days ago, and whose webhook is no longer being delivered, is deleted with its
   * workflows, results and events by the processes that run workflows (engine/retention.ts).
   * 0 keeps everything forever. A tenant's quota `retentionDays` overrides it for that tenant.
   * @default 30
   */
  RETENTION_DAYS: Int(0, 36_500, 30, 'Days a finished batch is kept before it is deleted with its workflows and events; 0 keeps them forever. A tenant\'s quota retentionDays overrides it.'),
  /** Lines are pretty on a terminal, JSON lines otherwise. @default "info" */
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
      Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent'),
    ],
    { default: 'info', description: 'pino level: fatal, error, warn, info, debug, trace or silent.' },
  ),

  // --- Keys, tenants and quotas (http/auth.ts, http/quotas.ts; model/tenants.ts) ---
  /**
   * `required`: every /v1 request needs `Authorization: Bearer <key>`. `off`: requests without a
   * key act as the admin of tenant "default" (a key, when sent, is still checked and used).
   * `auto`: required unless HOST is a loopback address. `off` on a public HOST is refused unless
   * AUTH_OFF_PUBLIC=true.
   * @default "auto"
   */
  AUTH: Type.Union([Type.Literal('auto'), Type.Literal('required'), Type.Literal('off')], {
    default: 'auto',
    description: 'auto | required | off — API keys on /v1 (auto: required unless HOST is loopback).',
  }),
  /** @default false */
  AUTH_OFF_PUBLIC: Type.Boolean({ default: false, description: 'Allow AUTH=off on a non-loopback HOST (anyone who reaches the port is admin).' }),
  /**
   * Whether /metrics needs an admin key. `off` is for a port only Prometheus reaches (the
   * compose file keeps /metrics behind its proxy). @default "auto" (as /v1)
   */
  METRICS_AUTH: Type.Union([Type.Literal('auto'), Type.Literal('required'), Type.Literal('off')], {
    default: 'auto',
    description: 'auto | required | off — an admin key on /metrics (auto: as AUTH).',
  }),
  /**
   * Whether batches may carry `simulation` (delays, failure rates): a demo and test aid, not for
   * shared production servers. `auto`: on when HOST is loopback and keys are not required (a
   * loopback HOST behind a same-host proxy with AUTH=required serves tenants: off there).
   * @default "auto"
   */
  ALLOW_SIMULATION: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], {
    default: 'auto',
    description: 'auto | on | off — accept a batch\'s `simulation` options (auto: on when HOST is loopback and AUTH is off).',
  }),
  /** @default 100000 */
  TENANT_MAX_QUEUED: Int(1, 1_000_000_000, 100_000, 'Default quota: most workflows one tenant may have queued.'),
  /**
   * Canceled and finished workflows count until retention (RETENTION_DAYS) purges them, so a
   * submit-and-cancel loop within maxQueued cannot fill the disk every tenant shares.
   * @default 1000000
   */
  TENANT_MAX_STORED: Int(1, 1_000_000_000_000, 1_000_000, 'Default quota: most workflows one tenant stores, whatever their status, until purged; past it 507.'),
  /** @default 0 */
  TENANT_MAX_RUNNING: Int(0, 1_000_000, 0, 'Default quota: most workflows of one tenant running at once across replicas (0: no cap; tenants share fairly either way).'),
  /** @default -10 */
  TENANT_PRIORITY_MIN: Int(-1000, 1000, -10, 'Default quota: lowest priority a tenant may ask for.'),
  /** @default 10 */
  TENANT_PRIORITY_MAX: Int(-1000, 1000, 10, 'Default quota: highest priority a tenant may ask for.'),
  /** @default 10 */
  TENANT_MAX_ATTEMPTS: Int(1, 100, 10, 'Default quota: most attempts per stage a batch may ask for.'),
  /** @default 600000 */
  TENANT_MAX_TIMEOUT_MS: Int(1, 86_400_000, 600_000, 'Default quota: longest stage timeout or retry backoff a batch may ask for, ms.'),
  /** @default 60000 */
  TENANT_MAX_DELAY_MS: Int(0, 3_600_000, 60_000, 'Default quota: longest simulated stage delay a batch may ask for, ms.'),
  /**
   * CPU is shared by every tenant, and with PROCESS_WORKERS=0 the busy loop runs on the event
   * loop itself: by default a tenant key may ask for none (admin keys are not bound).
   * @default 0
   */
  TENANT_MAX_CPU_MS: Int(0, 3_600_000, 0, 'Default quota: longest simulated CPU work (simulation.processCpuMs) a batch may ask for, ms.'),
  /**
   * Well under SSE_MAX_STREAMS, so one tenant's watchers leave slots for the others'. Counted per
   * process, as SSE_MAX_STREAMS is; admin keys are bound by SSE_MAX_STREAMS only.
   * @default 20
   */
  TENANT_MAX_STREAMS: Int(1, 100_000, 20, 'Default quota: event streams, long-polls and exports one tenant may hold open at once per process; past it 429.'),
  /**
   * Counted when a schedule is created (`POST /v1/schedules`). The three schedule quotas bind
   * every schedule of the tenant, an admin key's too: its ticks run on the tenant's account.
   * @default 100
   */
  TENANT_MAX_SCHEDULES: Int(0, 100_000, 100, 'Default quota: most schedules one tenant may have.'),
  /**
   * The shortest time between two ticks of a tenant's schedule: an interval's `everyMs`, or the
   * shortest gap between a cron expression's next runs. @default 1000
   */
  TENANT_MIN_SCHEDULE_INTERVAL_MS: Int(1000, 86_400_000, 1000, 'Default quota: shortest time between two ticks of one schedule, ms.'),
  /** Checked when a schedule is written and again at each tick. @default 1000 */
  TENANT_MAX_SCHEDULE_BATCH: Int(1, 1_000_000, 1000, 'Default quota: most client ids the batch of one schedule tick may hold.'),
  /** @default 1200 */
  RATE_LIMIT_PER_MINUTE: Int(1, 10_000_000, 1200, 'Default quota: requests per minute per API key, across every replica of a PostgreSQL store (requests without a key are not limited).'),

  // --- Webhooks (engine/webhooks.ts): a batch's callbackUrl gets the finished batch, signed. ---
  /**
   * Signs every webhook (Standard Webhooks: HMAC-SHA256 over id, timestamp and body), in the form
   * receivers' libraries take: `whsec_` and the base64 of at least 32 random bytes, e.g.
   * `"whsec_$(openssl rand -base64 32)"`. Unset: a batch with a callbackUrl is refused (400),
   * since an unsigned webhook cannot be trusted.
   * @default unset
   */
  WEBHOOK_SECRET: Type.Optional(Type.String({
    minLength: 1,
    description: 'Signs webhooks (Standard Webhooks, HMAC-SHA256): whsec_<base64 of at least 32 random bytes>; unset: callbackUrl is refused.',
  })),
  /**
   * Webhooks go only to public unicast addresses (net/address-policy.ts). Exceptions: a comma
   * list of host names (any address they resolve to) and IP addresses or CIDR ranges, e.g.
   * `127.0.0.1,hooks.internal,10.1.0.0/16`.
   * @default "" (none)
   */
  WEBHOOK_ALLOW_HOSTS: Type.String({
    default: '',
    description: 'Comma list of host names, IPs and CIDR ranges webhooks may reach although private, loopback or otherwise non-public.',
  }),
  /** @default 8 */
  WEBHOOK_MAX_ATTEMPTS: Int(1, 100, 8, 'Delivery attempts per finished batch, the first included.'),
  /** @default 1000 */
  WEBHOOK_BASE_MS: Int(0, 3_600_000, 1000, 'Backoff before the second delivery attempt (doubling, full jitter), ms.'),
  /** @default 60000 */
  WEBHOOK_MAX_MS: Int(0, 86_400_000, 60_000, 'Cap on any one delivery backoff, ms.'),
  /** @default 8 */
  WEBHOOK_CONCURRENCY: Int(1, 1000, 8, 'Most webhook deliveries in flight at once.'),
  /**
   * A tenant whose receivers never answer holds at most these slots (each for up to
   * WEBHOOK_TIMEOUT_MS); the others serve every other tenant. At most WEBHOOK_CONCURRENCY.
   * @default 2
   */
  WEBHOOK_TENANT_CONCURRENCY: Int(1, 1000, 2, 'Most webhook deliveries of one tenant in flight at once, per process.'),
  /** @default 10000 */
  WEBHOOK_TIMEOUT_MS: Int(1, 600_000, 10_000, 'A delivery attempt without an answer after this is aborted and failed, ms.'),

  // --- Stage sets (engine/stages/sets.ts) and the CRM of the http set (engine/stages/crm-fetch.ts) ---
  /** @default "simulated" */
  DEFAULT_STAGES: Type.Union([Type.Literal(STAGE_SETS[0]), Type.Literal(STAGE_SETS[1])], {
    default: 'simulated',
    description: 'simulated | http — the stage set of a batch that names none (http needs CRM_URL_TEMPLATE).',
  }),
  /**
   * Where the http set's fetch stage gets a client: an http(s) URL with `{id}` (URL-encoded).
   * Unset: batches with `stages: "http"` are refused (400).
   * @default unset
   */
  CRM_URL_TEMPLATE: Type.Optional(Type.String({
    'x-expects': 'an http(s) URL with {id} in its path or query, e.g. http://127.0.0.1:4010/clients/{id}',
    description: 'The CRM\'s client URL, {id} where the URL-encoded client id goes; unset: stages "http" is refused.',
  })),
  /** @default "" (none) */
  CRM_ALLOW_HOSTS: Type.String({
    default: '',
    description: 'Comma list of host names, IPs and CIDR ranges the CRM may be at although private, loopback or otherwise non-public.',
  }),
  /** @default 64 */
  CRM_MAX_CONNECTIONS: Int(1, 100_000, 64, 'Most connections open to the CRM at once (kept alive); further requests wait for one.'),
  /** @default 1048576 */
  CRM_MAX_RESPONSE_BYTES: Int(1024, 1_073_741_824, 1_048_576, 'A CRM answer longer than this fails the fetch stage (permanently), bytes.'),
  /**
   * Flow limits set at start (model/flow-limits.ts), overriding what the store holds for these
   * keys: `key=N/s,conc=N,burst=N;key2=…` (rate also /m, /h, /<n>ms). Other keys keep theirs.
   * A bad entry stops the start with one line naming it.
   * @default "" (none)
   */
  FLOW_LIMITS: Type.String({
    default: '',
    'x-expects': 'key=N/s,conc=N,burst=N;key2=… (rate N/s, N/m, N/h or N/<n>ms; each part optional), e.g. crm:acme=500/s,conc=50',
    description: 'Per-key flow limits set at start: key=N/s,conc=N,burst=N separated by ; (e.g. crm:acme=500/s,conc=50;crm:globex=10/s).',
  }),
  // --- Traces: OpenTelemetry, off unless an OTLP endpoint is set (telemetry/; docs/operate/monitoring.md) ---
  /**
   * The OTLP/HTTP receiver spans are sent to — Jaeger, Tempo, an OpenTelemetry Collector — e.g.
   * `http://jaeger:4318`; `/v1/traces` is appended. Setting it (or
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) turns tracing on: a POST's `traceparent` is honoured, each
   * workflow is a trace of its own linked to the POST, and the CRM and webhook requests carry
   * `traceparent`. Unset, nothing is traced and the OpenTelemetry SDK is not even loaded. The other
   * standard variables (OTEL_BSP_*, OTEL_EXPORTER_OTLP_TIMEOUT, OTEL_EXPORTER_OTLP_COMPRESSION, …)
   * are read by the SDK itself.
   * @default unset (tracing off)
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({
    pattern: '^https?://[^\\s]+$', 'x-expects': 'an http:// or https:// URL',
    description: 'OTLP/HTTP receiver of the spans, e.g. http://jaeger:4318 (/v1/traces is appended); setting it turns tracing on.',
  })),
  /** @default unset */
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: Type.Optional(Type.String({
    pattern: '^https?://[^\\s]+$', 'x-expects': 'an http:// or https:// URL',
    description: 'The full URL spans are POSTed to, used as it is (wins over OTEL_EXPORTER_OTLP_ENDPOINT); setting it turns tracing on.',
  })),
  /** gRPC is not offered: every receiver named here takes OTLP over HTTP too. @default "http/protobuf" */
  OTEL_EXPORTER_OTLP_PROTOCOL: Type.Union(literals(PROTOCOLS), {
    default: 'http/protobuf',
    description: 'http/protobuf | http/json — how spans are encoded (OTLP over HTTP; grpc is not supported).',
  }),
  /**
   * Headers sent with every export, `key=value` pairs separated by commas, values
   * percent-encoded (an API token: `authorization=Bearer%20…`). Never printed.
   * @default unset
   */
  OTEL_EXPORTER_OTLP_HEADERS: Type.Optional(Type.String({
    'x-expects': 'key=value pairs separated by commas, values percent-encoded',
    description: 'Headers sent with every span export: key=value,… (values percent-encoded); never printed.',
  })),
  /** @default unset (service.name is then the one in OTEL_RESOURCE_ATTRIBUTES, else "clientflow") */
  OTEL_SERVICE_NAME: Type.Optional(Type.String({ minLength: 1, description: 'service.name of the spans.' })),
  /**
   * More resource attributes of every span, `key=value` pairs separated by commas, e.g.
   * `deployment.environment.name=prod`. `service.instance.id` (a fresh UUID) and `host.name` are
   * set unless given here.
   * @default "" (none)
   */
  OTEL_RESOURCE_ATTRIBUTES: Type.String({
    default: '',
    'x-expects': 'key=value pairs separated by commas, values percent-encoded',
    description: 'Resource attributes of every span: key=value,… (e.g. deployment.environment.name=prod).',
  }),
  /**
   * Which traces are kept. Each workflow's trace is a root of its own, so a `traceidratio`
   * sampler keeps or drops whole workflows, every run of one alike (its trace id is its id);
   * the `parentbased_` ones follow a POST's `traceparent` for the request and its webhooks.
   * @default "parentbased_always_on"
   */
  OTEL_TRACES_SAMPLER: Type.Union(literals(SAMPLERS), {
    default: 'parentbased_always_on',
    description: 'Sampler: parentbased_always_on | parentbased_always_off | parentbased_traceidratio | always_on | always_off | traceidratio.',
  }),
  /** @default 1 */
  OTEL_TRACES_SAMPLER_ARG: Type.Number({
    minimum: 0, maximum: 1, default: 1, 'x-expects': 'a number from 0 to 1',
    description: 'The share of traces the traceidratio samplers keep, 0 to 1.',
  }),
  /** `none` turns tracing off whatever the endpoint says. @default "otlp" */
  OTEL_TRACES_EXPORTER: Type.Union([Type.Literal('otlp'), Type.Literal('none')], {
    default: 'otlp',
    description: 'otlp | none — none turns tracing off even with an endpoint set.',
  }),
  /** @default false */
  OTEL_SDK_DISABLED: Type.Boolean({ default: false, description: 'true turns tracing off even with an endpoint set.' }),
});

export type Config = Readonly<Static<typeof ConfigSchema>>;

/** A variable is missing its form: the message is one line naming it and what it expects. */
export class ConfigError extends ClientflowError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** Variables whose values are never printed. */
export const SECRETS: ReadonlySet<string> = new Set(['DATABASE_URL', 'RESULTS_DATABASE_URL', 'WEBHOOK_SECRET', 'OTEL_EXPORTER_OTLP_HEADERS']);

/** What a variable expects, for the one-line error and the configuration reference. */
export function expects(name: string): string {
  const schema = (ConfigSchema.properties as unknown as Record<string, Record<string, unknown>>)[name];
  if (!schema) return 'nothing (unknown variable)';
  if (schema.type === 'boolean') return 'true or false';
  // A pattern too long to read says what it means instead.
  if (typeof schema['x-expects'] === 'string') return schema['x-expects'];
  if (schema.type === 'integer') return `an integer from ${String(schema.minimum)} to ${String(schema.maximum)}`;
  if (Array.isArray(schema.anyOf)) {
    return `one of ${(schema.anyOf as Array<{ const: string }>).map((s) => s.const).join(', ')}`;
  }
  if (typeof schema.pattern === 'string') return `a string matching ${schema.pattern}`;
  return 'a non-empty string';
}

/**
 * Reads the variables the schema names from `env`, fills defaults, converts numbers and checks
 * every value. Throws a ConfigError whose message is one line naming the first bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(ConfigSchema.properties)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value.trim();
  }
  const value = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw)) as Record<string, unknown>;
  Object.assign(value, overrides);
  for (const error of Value.Errors(ConfigSchema, value)) {
    const name = error.instancePath.replace(/^\//, '');
    // A secret is named, never echoed (a mistyped DATABASE_URL still holds a password).
    const shown = SECRETS.has(name) ? '(hidden)' : JSON.stringify(env[name] ?? value[name]);
    throw new ConfigError(`invalid ${name}=${shown}: expected ${expects(name)}`);
  }
  const config = value as Config;
  // Forms a schema cannot say; still one line, and the secret is never echoed.
  if (config.WEBHOOK_SECRET !== undefined && !secretKey(config.WEBHOOK_SECRET)) {
    throw new ConfigError(`invalid WEBHOOK_SECRET=(hidden): expected ${SECRET_FORM}`);
  }
  for (const name of ['WEBHOOK_ALLOW_HOSTS', 'CRM_ALLOW_HOSTS'] as const) {
    try {
      parseAllowList(config[name]);
    } catch (e) {
      throw new ConfigError(`invalid ${name}=${JSON.stringify(config[name])}: ${(e as Error).message}`);
    }
  }
  try {
    parseFlowLimits(config.FLOW_LIMITS);
  } catch (e) {
    throw new ConfigError(`invalid FLOW_LIMITS=${JSON.stringify(config.FLOW_LIMITS)}: ${(e as Error).message}`);
  }
  try {
    parseKeyValues(config.OTEL_RESOURCE_ATTRIBUTES);
  } catch (e) {
    throw new ConfigError(`invalid OTEL_RESOURCE_ATTRIBUTES=${JSON.stringify(config.OTEL_RESOURCE_ATTRIBUTES)}: ${(e as Error).message}`);
  }
  try {
    parseKeyValues(config.OTEL_EXPORTER_OTLP_HEADERS ?? '', true);
  } catch (e) {
    // The message names the entry by position only: the value may hold a token.
    throw new ConfigError(`invalid OTEL_EXPORTER_OTLP_HEADERS=(hidden): ${(e as Error).message}`);
  }
  if (config.CRM_URL_TEMPLATE !== undefined) {
    try {
      parseCrmUrlTemplate(config.CRM_URL_TEMPLATE);
    } catch (e) {
      throw new ConfigError(`invalid CRM_URL_TEMPLATE=${JSON.stringify(config.CRM_URL_TEMPLATE)}: ${(e as Error).message}`);
    }
  } else if (config.DEFAULT_STAGES === 'http') {
    throw new ConfigError('invalid DEFAULT_STAGES=http: expected simulated while CRM_URL_TEMPLATE is unset');
  }
  const loopback = isLoopback(config.HOST);
  if (config.AUTH === 'auto') value.AUTH = loopback ? 'off' : 'required';
  if (config.METRICS_AUTH === 'auto') value.METRICS_AUTH = value.AUTH;
  if (config.ALLOW_SIMULATION === 'auto') value.ALLOW_SIMULATION = loopback && value.AUTH === 'off' ? 'on' : 'off';
  if (config.AUTH === 'off' && !loopback && !config.AUTH_OFF_PUBLIC) {
    throw new ConfigError(`invalid AUTH=off: HOST=${config.HOST} is not a loopback address, so anyone who reaches the port would be admin (set AUTH_OFF_PUBLIC=true if a gateway in front authenticates)`);
  }
  if (config.TENANT_PRIORITY_MIN > config.TENANT_PRIORITY_MAX) {
    throw new ConfigError(`invalid TENANT_PRIORITY_MIN=${config.TENANT_PRIORITY_MIN}: expected at most TENANT_PRIORITY_MAX=${config.TENANT_PRIORITY_MAX}`);
  }
  // The SQLite file is owned by one process: nobody else would run what an api-only one accepts.
  if (config.RUN_MODE !== 'all' && !config.DATABASE_URL) {
    throw new ConfigError(`invalid RUN_MODE=${config.RUN_MODE}: expected all without DATABASE_URL (the SQLite file serves one process, which must run its workflows)`);
  }
  return Object.freeze(config);
}

/**
 * What tracing runs with, or null when it is off: no OTLP endpoint (the default),
 * OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true.
 */
export function tracingOptions(config: Config): Omit<TracingOptions, 'onExportError'> | null {
  if (config.OTEL_SDK_DISABLED || config.OTEL_TRACES_EXPORTER === 'none') return null;
  const base = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  const url = config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base === undefined ? undefined : `${base.replace(/\/+$/, '')}/v1/traces`);
  if (url === undefined) return null;
  const resource = parseKeyValues(config.OTEL_RESOURCE_ATTRIBUTES);
  return {
    url,
    protocol: config.OTEL_EXPORTER_OTLP_PROTOCOL,
    headers: parseKeyValues(config.OTEL_EXPORTER_OTLP_HEADERS ?? '', true),
    // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES (the specification's order).
    resource: { ...resource, 'service.name': config.OTEL_SERVICE_NAME ?? resource['service.name'] ?? 'clientflow' },
    sampler: config.OTEL_TRACES_SAMPLER,
    samplerArg: config.OTEL_TRACES_SAMPLER_ARG,
  };
}

/** Whether the service listens on this machine only (`localhost`, 127.0.0.0/8, ::1). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Largest JSON body a valid batch of `maxBatchSize` ids can need, plus room for the options. */
export function bodyLimit(maxBatchSize: number): number {
  // Worst case per id as JSON.stringify writes it: 128 control characters, each escaped as
  // \u00XX (6 bytes, more than any UTF-8 character), two quotes and a comma.
  return 64 * 1024 + maxBatchSize * (128 * 6 + 3);
}
