import type { BatchStatus, StageName, StageStatus, WebhookStatus, WorkflowStatus } from './statuses.js';

/** A client id exactly as the caller sent it: `"1"` and `1` are different ids. */
export type ClientId = string | number;

/** Per-batch overrides that make demos and tests fast and deterministic. */
export interface Simulation {
  fetchMs?: number;
  processMs?: number;
  storeMs?: number;
  /** CPU busy work per client in the process stage, ms (in a worker thread when PROCESS_WORKERS > 0). */
  processCpuMs?: number;
  /** 0..1: each delay varies uniformly by ± this fraction. */
  jitter?: number;
  /** 0..1: probability that a stage attempt fails with a simulated error. */
  failureRate?: number;
  /** Seed for jitter and failures; the same seed gives the same run. */
  seed?: number;
  /** This stage fails with a permanent (not retried) error, for `failStageRate` of the clients. */
  failStage?: StageName;
  /** 0..1, default 1: the share of clients (chosen by the seed) whose `failStage` fails. */
  failStageRate?: number;
}

/** Per-batch overrides of the retry policy; unset fields take the server's defaults. */
export interface RetryOptions {
  maxAttempts?: number;
  baseMs?: number;
  maxMs?: number;
}

/** Per-batch stage timeouts in ms; unset stages take STAGE_TIMEOUT_MS. */
export type StageTimeouts = Partial<Record<`${StageName}Ms`, number>>;

/**
 * Which handlers run a batch's stages (engine/stages/sets.ts): `simulated` waits and synthesises
 * records; `http` fetches each client from the CRM (CRM_URL_TEMPLATE).
 */
export const STAGE_SETS = ['simulated', 'http'] as const;
export type StageSetName = (typeof STAGE_SETS)[number];

/** What a batch asked for beyond its ids, stored with it and shown back. */
export interface BatchOptions {
  maxConcurrency: number | null;
  retry: RetryOptions | null;
  timeouts: StageTimeouts | null;
  simulation: Simulation | null;
  /** Absent on batches stored before stage sets existed: those ran `simulated`. */
  stages?: StageSetName;
  /** Sent to the CRM as `x-crm-key` by the http fetch stage; absent or null: no key. */
  crmKey?: string | null;
  /** The flow key whose limits the batch's workflows share (model/flow-limits.ts); absent or null: none. */
  flowKey?: string | null;
}

/** The stage set a batch runs with (batches stored before stage sets ran the simulated one). */
export const stageSetOf = (options: BatchOptions): StageSetName => options.stages ?? 'simulated';

/** Copies a batch's options out of a submitted batch: the one list of what the stores keep. */
export function batchOptions(input: NewBatch): BatchOptions {
  const { maxConcurrency, retry, timeouts, simulation, stages, crmKey, flowKey } = input;
  return {
    maxConcurrency, retry, timeouts, simulation, ...(stages && { stages }), ...(crmKey != null && { crmKey }), ...(flowKey != null && { flowKey }),
  };
}

export interface NewBatch extends BatchOptions {
  /** Who owns the batch (model/tenants.ts); unset: DEFAULT_TENANT. */
  tenant?: string;
  clientIds: ClientId[];
  priority: number;
  label: string | null;
  /** Where to POST the finished batch (http or https); absent or null: no webhook. */
  callbackUrl?: string | null;
  /**
   * The W3C `traceparent` of the request that submitted it, when tracing is on: its workflows'
   * spans link to that request's span, and its webhook joins that trace. Absent or null: untraced.
   */
  traceContext?: string | null;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

/** One stage of one workflow as persisted. Times are epoch milliseconds. */
export interface StageState {
  name: StageName;
  status: StageStatus;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
  error: ErrorInfo | null;
}

export interface Summary {
  avg: number;
  p95: number;
  max: number;
}

export interface StageStats {
  succeeded: number;
  failed: number;
  running: number;
  avgMs: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

/** A batch as the API shows it (minus `links`, which only HTTP knows). Times are ISO strings. */
export interface Batch {
  id: string;
  tenant: string;
  status: BatchStatus;
  label: string | null;
  priority: number;
  options: BatchOptions;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: {
    total: number;
    queued: number;
    running: number;
    succeeded: number;
    failed: number;
    canceled: number;
    percent: number;
  };
  stages: Record<StageName, StageStats>;
  timings: {
    elapsedMs: number | null;
    queueWaitMs: Summary | null;
    workflowMs: Summary | null;
    sequentialMs: number;
    speedup: number | null;
  };
  /** The webhook delivery; null when the batch has no callbackUrl. */
  webhook: WebhookState | null;
}

/** Where a batch's finished state is POSTed and how that went. */
export interface WebhookState {
  /** The callbackUrl without its path, query and fragment (`https://host:port/…`): they may hold a token. */
  url: string;
  status: WebhookStatus;
  /** Attempts made so far (an attempt counts when it starts). */
  attempts: number;
  /** `delivery failed` after a failed attempt, whatever the cause (the log has it); null after a success. */
  lastError: string | null;
  deliveredAt: string | null;
}

/** A batch's webhook delivery as the list of failed deliveries shows it (GET /v1/webhooks). */
export interface WebhookDelivery {
  batchId: string;
  tenant: string;
  label: string | null;
  /** When the batch finished: the notification the delivery carries. */
  finishedAt: string | null;
  webhook: WebhookState;
}

export interface Workflow {
  id: string;
  batchId: string;
  /** Its batch's tenant. */
  tenant: string;
  clientId: ClientId;
  status: WorkflowStatus;
  stage: StageName | null;
  attempts: number;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  queueWaitMs: number | null;
  durationMs: number | null;
  /** When the next attempt of a stage that failed is due (retry backoff), else null. */
  nextAttemptAt: string | null;
  stages: Array<{
    name: StageName;
    status: StageStatus;
    attempts: number;
    startedAt: string | null;
    finishedAt: string | null;
    durationMs: number | null;
    error: ErrorInfo | null;
  }>;
  result: Record<string, unknown> | null;
  error: (ErrorInfo & { stage: StageName }) | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
