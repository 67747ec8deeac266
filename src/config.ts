/**
 * The service's configuration: one TypeBox schema over the environment, validated once at start
 * and passed down as a plain frozen object. Nothing below `server.ts` reads `process.env`.
 */
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { ClientflowError } from './model/errors.js';

const Int = (min: number, max: number, def: number, description: string) =>
  Type.Integer({ minimum: min, maximum: max, default: def, description });

export const ConfigSchema = Type.Object({
  /** @default 3000 */
  PORT: Int(0, 65535, 3000, 'TCP port to listen on.'),
  /** @default "127.0.0.1" (the container image sets 0.0.0.0) */
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on.' }),
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
  /** @default 10 */
  DB_POOL_SIZE: Int(1, 1000, 10, 'Most PostgreSQL connections this process opens (with DATABASE_URL).'),
  /** @default 50 */
  CONCURRENCY: Int(1, 100_000, 50, 'Workflows running at once in this process.'),
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
  /** @default 15000 */
  SSE_HEARTBEAT_MS: Int(10, 600_000, 15_000, 'How often an idle event stream sends a comment line so proxies keep it open, ms.'),
  /** @default 1000 */
  SSE_MAX_STREAMS: Int(1, 100_000, 1_000, 'Most event streams and long-polls open at once; past it they get 503.'),
  /**
   * How long finished batches are kept: a batch that finished (succeeded, failed or canceled) more
   * than this many days ago, and whose webhook is no longer being delivered, is deleted with its
   * workflows, results and events by the processes that run workflows (engine/retention.ts).
   * 0 keeps everything forever.
   * @default 30
   */
  RETENTION_DAYS: Int(0, 36_500, 30, 'Days a finished batch is kept before it is deleted with its workflows and events; 0 keeps them forever.'),
  /** @default "info" */
  LOG_LEVEL: Type.Union(
    [
      Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
      Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent'),
    ],
    { default: 'info', description: 'pino level: fatal, error, warn, info, debug, trace or silent.' },
  ),

  // --- Webhooks (engine/webhooks.ts): a batch's callbackUrl gets the finished batch, signed. ---
  /**
   * Key of the HMAC-SHA256 signature on every webhook. Unset: a batch with a callbackUrl is
   * refused (400), since an unsigned webhook cannot be trusted by its receiver.
   * @default unset
   */
  WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'Signs webhooks (HMAC-SHA256); unset: callbackUrl is refused.' })),
  /** @default 8 */
  WEBHOOK_MAX_ATTEMPTS: Int(1, 100, 8, 'Delivery attempts per finished batch, the first included.'),
  /** @default 1000 */
  WEBHOOK_BASE_MS: Int(0, 3_600_000, 1000, 'Backoff before the second delivery attempt (doubling, full jitter), ms.'),
  /** @default 60000 */
  WEBHOOK_MAX_MS: Int(0, 86_400_000, 60_000, 'Cap on any one delivery backoff, ms.'),
  /** @default 8 */
  WEBHOOK_CONCURRENCY: Int(1, 1000, 8, 'Most webhook deliveries in flight at once.'),
  /** @default 10000 */
  WEBHOOK_TIMEOUT_MS: Int(1, 600_000, 10_000, 'A delivery attempt without an answer after this is aborted and failed, ms.'),
});

export type Config = Readonly<Static<typeof ConfigSchema>>;

/** A variable is missing its form: the message is one line naming it and what it expects. */
export class ConfigError extends ClientflowError {
  constructor(message: string) {
    super('CONFIG_INVALID', message);
  }
}

/** Variables whose values are never printed. */
const SECRETS = new Set(['DATABASE_URL', 'WEBHOOK_SECRET']);

/** What a variable expects, for the one-line error. */
function expects(name: string): string {
  const schema = (ConfigSchema.properties as unknown as Record<string, Record<string, unknown>>)[name];
  if (!schema) return 'nothing (unknown variable)';
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
  // The SQLite file is owned by one process: nobody else would run what an api-only one accepts.
  if (config.RUN_MODE !== 'all' && !config.DATABASE_URL) {
    throw new ConfigError(`invalid RUN_MODE=${config.RUN_MODE}: expected all without DATABASE_URL (the SQLite file serves one process, which must run its workflows)`);
  }
  return Object.freeze(config);
}

/** Largest JSON body a valid batch of `maxBatchSize` ids can need, plus room for the options. */
export function bodyLimit(maxBatchSize: number): number {
  // Worst case per id as JSON.stringify writes it: 128 control characters, each escaped as
  // \u00XX (6 bytes, more than any UTF-8 character), two quotes and a comma.
  return 64 * 1024 + maxBatchSize * (128 * 6 + 3);
}
