/**
 * The typed client of the clientflow API (`clientflow/client`): `api` is an openapi-fetch client
 * over the generated types (schema.ts, from openapi/openapi.json), and a few helpers do what every
 * caller writes otherwise — submit, wait for the end (long-poll), watch the events (SSE, resumed
 * after a drop), read every page, export a batch's results (streamed), list what failed across
 * batches, send a failed webhook again. Every helper throws ApiError for a problem+json answer and
 * UnreachableError when no answer came.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.js';
import { download, exportRows, type ExportFormat, type ExportOptions, type ExportRow } from './export.js';
import { watchEvents, type WatchOptions, type WatchedEvent } from './watch.js';

export type { components, paths } from './schema.js';
export type { ExportFormat, ExportOptions, ExportRow } from './export.js';
export type { WatchOptions, WatchedEvent } from './watch.js';
export type Schemas = components['schemas'];
export type Batch = Schemas['Batch'];
export type BatchCreate = Schemas['BatchCreate'];
export type Workflow = Schemas['Workflow'];
export type Problem = Schemas['Problem'];
export type Event = Schemas['Event'];
export type BatchStatus = Batch['status'];
export type Schedule = Schemas['Schedule'];
export type ScheduleCreate = Schemas['ScheduleCreate'];
export type WorkflowStatus = Workflow['status'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type StageName = Workflow['stages'][number]['name'];

/** The service answered with a problem (4xx/5xx): `problem` is its RFC 9457 body when it sent one. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Problem | null) {
    super(problem ? `${status} ${problem.detail}` : `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** No answer: the service is down, the address is wrong, or the connection broke. */
export class UnreachableError extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`cannot reach ${url}: ${(cause as Error).cause instanceof Error ? ((cause as Error).cause as Error).message : (cause as Error).message}`, { cause });
    this.name = 'UnreachableError';
  }
}

export interface ClientOptions {
  /** The service's base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  /** An API key (cf_…), sent as Authorization: Bearer. */
  key?: string;
  fetch?: typeof fetch;
}

export const FINISHED: readonly BatchStatus[] = ['succeeded', 'failed', 'canceled'];

/** The longest long-poll the service holds (GET /v1/batches/{id}?wait). */
const MAX_WAIT_S = 60;

export type Clientflow = ReturnType<typeof createClientflow>;

export function createClientflow(options: ClientOptions) {
  const baseFetch = options.fetch ?? globalThis.fetch;
  // Any failure to get an answer becomes UnreachableError, for the helpers and `api` alike.
  const guarded: typeof fetch = async (input, init) => {
    try {
      return await baseFetch(input, init);
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new UnreachableError(options.url, error);
    }
  };
  const headers: Record<string, string> = options.key ? { authorization: `Bearer ${options.key}` } : {};
  const api: Client<paths> = createClient<paths>({ baseUrl: options.url, headers, fetch: guarded });
  const toError = (status: number, problem: unknown) => new ApiError(status, problem as Problem | null);
  const connection = { url: options.url, headers, fetch: guarded, toError };

  /** The data of an answer, or ApiError. */
  function data<T>(result: { data?: T; error?: unknown; response: Response }): T {
    if (result.data === undefined) {
      const problem = typeof result.error === 'object' && result.error !== null && 'status' in result.error ? result.error as Problem : null;
      throw new ApiError(result.response.status, problem);
    }
    return result.data;
  }

  const getBatch = async (id: string, waitS = 0): Promise<Batch> =>
    data(await api.GET('/v1/batches/{id}', { params: { path: { id }, query: waitS > 0 ? { wait: waitS } : {} } }));

  return {
    api,
    /** POST /v1/batches; the same `idempotencyKey` and body again answers the first batch. */
    async submit(body: BatchCreate, opts: { idempotencyKey?: string } = {}): Promise<Batch> {
      const params = { header: opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {} };
      return data(await api.POST('/v1/batches', { body, params }));
    },
    getBatch: (id: string) => getBatch(id),
    /** Long-polls until the batch finishes (or `timeoutMs` passes: then its state at that time). */
    async wait(id: string, opts: { timeoutMs?: number } = {}): Promise<Batch> {
      const until = Date.now() + (opts.timeoutMs ?? Infinity);
      for (;;) {
        const left = Math.ceil((until - Date.now()) / 1000);
        const batch = await getBatch(id, Math.max(0, Math.min(MAX_WAIT_S, left)));
        if (FINISHED.includes(batch.status) || left <= 0) return batch;
      }
    },
    /** The batch's events as they happen (SSE), resumed with Last-Event-ID after a dropped connection. */
    watch(id: string, opts: WatchOptions = {}): AsyncGenerator<WatchedEvent> {
      return watchEvents({ ...connection, batchId: id }, opts);
    },
    async cancel(id: string): Promise<Batch> {
      return data(await api.POST('/v1/batches/{id}/cancel', { params: { path: { id } }, body: {} }));
    },
    /** Requeues the batch's failed workflows (and canceled ones with includeCanceled). */
    async retry(id: string, opts: { includeCanceled?: boolean } = {}): Promise<Batch> {
      return data(await api.POST('/v1/batches/{id}/retry', { params: { path: { id }, query: opts }, body: {} }));
    },
    /** Every batch the key may see, newest first, page after page. */
    batches(query: { status?: BatchStatus; tenant?: string; limit?: number } = {}): AsyncGenerator<Batch> {
      return everyItem(async (cursor) => data(await api.GET('/v1/batches', { params: { query: { ...query, ...(cursor && { cursor }) } } })));
    },
    /** POST /v1/schedules: the batch `body.batch` submitted on `cron` (in `timezone`) or every `everyMs`. */
    async createSchedule(body: ScheduleCreate): Promise<Schedule> {
      return data(await api.POST('/v1/schedules', { body }));
    },
    getSchedule: async (id: string): Promise<Schedule> => data(await api.GET('/v1/schedules/{id}', { params: { path: { id } } })),
    /** Every schedule the key may see, newest first, page after page. */
    schedules(query: { tenant?: string; limit?: number } = {}): AsyncGenerator<Schedule> {
      return everyItem(async (cursor) => data(await api.GET('/v1/schedules', { params: { query: { ...query, ...(cursor && { cursor }) } } })));
    },
    pauseSchedule: async (id: string): Promise<Schedule> => data(await api.POST('/v1/schedules/{id}/pause', { params: { path: { id } } })),
    resumeSchedule: async (id: string): Promise<Schedule> => data(await api.POST('/v1/schedules/{id}/resume', { params: { path: { id } } })),
    async deleteSchedule(id: string): Promise<void> {
      const { response, error } = await api.DELETE('/v1/schedules/{id}', { params: { path: { id } } });
      if (!response.ok) throw new ApiError(response.status, typeof error === 'object' && error !== null && 'status' in error ? error as Problem : null);
    },
    /**
     * Every workflow of a batch (only those with `status` if given), whole (the Workflow shape),
     * read page after page of 1,000.
     */
    workflows(id: string, query: { status?: WorkflowStatus; limit?: number } = {}): AsyncGenerator<Workflow> {
      return everyItem(async (cursor) => data(await api.GET('/v1/batches/{id}/workflows', {
        params: { path: { id }, query: { limit: 1000, ...query, ...(cursor && { cursor }) } },
      })));
    },
    /**
     * A batch's results, one row per workflow (its result or error and stage timings), streamed
     * from GET /v1/batches/{id}/results as NDJSON: the service reads its store a page at a time
     * while this reads the rows, so a batch of any size takes little memory on either side.
     */
    export(id: string, opts: ExportOptions = {}): AsyncGenerator<ExportRow> {
      return exportRows(connection, id, opts);
    },
    /** The export's body as the service sends it (NDJSON or CSV), for writing to a file. */
    download(id: string, format: ExportFormat, opts: ExportOptions = {}): Promise<NonNullable<Response['body']>> {
      return download(connection, id, format, opts);
    },
    /** Failed workflows across batches, newest failure first, page after page (since: ISO-8601). */
    failed(query: { stage?: StageName; errorCode?: string; since?: string; tenant?: string; limit?: number } = {}): AsyncGenerator<Workflow> {
      return everyItem(async (cursor) => data(await api.GET('/v1/workflows', {
        params: { query: { status: 'failed', limit: 100, ...query, ...(cursor && { cursor }) } },
      })));
    },
    /** Webhook deliveries that failed, newest batch first, page after page. */
    failedWebhooks(query: { tenant?: string; limit?: number } = {}): AsyncGenerator<WebhookDelivery> {
      return everyItem(async (cursor) => data(await api.GET('/v1/webhooks', {
        params: { query: { status: 'failed', limit: 100, ...query, ...(cursor && { cursor }) } },
      })));
    },
    /** Sends a batch's failed webhook again; the batch, its webhook pending. */
    async redeliver(id: string): Promise<Batch> {
      return data(await api.POST('/v1/batches/{id}/webhook/redeliver', { params: { path: { id } }, body: {} }));
    },
  };
}

/** The items of every page, following nextCursor. */
async function* everyItem<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const { items, nextCursor } = await page(cursor);
    yield* items;
    cursor = nextCursor ?? undefined;
  } while (cursor);
}
