// Generated from openapi/openapi.json by openapi-typescript (`npm run openapi`): do not edit.
export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics: workflows, stages, HTTP requests, the process
         * @description Scrape with Prometheus. Workflow gauges are read from the store at each scrape; stage, batch and HTTP series count what this process saw since it started.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List batches, newest first */
        get: operations["listBatches"];
        put?: never;
        /**
         * Submit a batch of client ids
         * @description Each client id becomes a workflow (fetch → process → store). Answers 202 once the batch and all its workflows are committed to the store: accepted means durable.
         */
        post: operations["createBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a batch with its progress, stage statistics and timings
         * @description With `?wait=N` the answer waits up to N seconds (at most 60) for the batch to finish: the simplest way for a script to block until a batch is done.
         */
        get: operations["getBatch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List a batch's workflows in the order their ids were sent */
        get: operations["listBatchWorkflows"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Stream a batch's events live (Server-Sent Events)
         * @description text/event-stream of the batch's events, each with `id:` (its store id), `event:` (its type) and `data:` (JSON). It starts with a `batch.progress` snapshot, replays every event after `Last-Event-ID` (all of them without it), then follows live; `batch.progress` messages (no id) carry the counters a few times a second, comment lines keep idle proxies open, and the stream ends after `batch.finished`; reconnecting after that end answers 204, which stops an EventSource. Try it with `curl -N`.
         */
        get: operations["streamBatchEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/results": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export a batch's results (NDJSON or CSV, streamed)
         * @description One line per workflow, in the order the ids were sent: workflow id, client id, status, result or error (stage, code, message) and per stage its status, attempts and duration. NDJSON by default (`application/x-ndjson`, one ExportRow per line); CSV with `Accept: text/csv` or `?format=csv` (RFC 4180, a header row, CRLF; columns workflowId, clientId, status, finishedAt, durationMs, errorStage, errorCode, errorMessage, fetchStatus, fetchAttempts, fetchDurationMs, processStatus, processAttempts, processDurationMs, storeStatus, storeAttempts, storeDurationMs, result; the result as JSON text; a text cell starting with = + - @ gets a leading '). Any other Accept gets NDJSON. Streamed page by page, so any batch size takes little memory; a running batch exports what each page holds when it is read. A response cut short (the server closing) ends without its final chunk: an error for the client, never a short file.
         */
        get: operations["exportBatchResults"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List failed workflows across batches, newest failure first
         * @description The failed workflows of every batch the key may see, by when they failed (newest first), with their error; `stage`, `errorCode` and `since` narrow it. A workflow retried since it failed is not listed. Paged by `cursor` like the other lists.
         */
        get: operations["listWorkflows"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one workflow with its stages, timings and result */
        get: operations["getWorkflow"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List failed webhook deliveries, newest batch first
         * @description Each batch whose webhook delivery gave up after WEBHOOK_MAX_ATTEMPTS, with its last error (as vague as on the batch). `links.redeliver` sends one again. Paged by `cursor` like the other lists.
         */
        get: operations["listFailedWebhooks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel a batch
         * @description Queued workflows become canceled at once; running ones are aborted and end canceled; finished ones are untouched. Cancelling twice is harmless.
         */
        post: operations["cancelBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a batch's failed workflows
         * @description Requeues failed (and with includeCanceled=true also canceled) workflows. Each resumes at the stage that failed: stages that succeeded are not run again. The batch reopens.
         */
        post: operations["retryBatch"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/webhook/redeliver": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a batch's failed webhook again
         * @description A delivery that failed (every attempt spent) is due again at once, with a fresh round of WEBHOOK_MAX_ATTEMPTS attempts, through the same signed POST and address checks; `webhook-id` is the same as before, so a receiver that got it already can drop it. A pending or delivered one is a 409.
         */
        post: operations["redeliverWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel one workflow */
        post: operations["cancelWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/workflows/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry one failed or canceled workflow */
        post: operations["retryWorkflow"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who this API key acts as */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys, revoked ones included (admin) */
        get: operations["listKeys"];
        put?: never;
        /**
         * Create an API key for a tenant (admin)
         * @description The answer holds the key itself, the only time it is shown: only its hash is stored. The tenant is created if it is new.
         */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key (admin)
         * @description The key stops working at once on this replica, and within 10 s on the others; so do the event streams, long-polls and exports it opened.
         */
        delete: operations["revokeKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List tenants with their quotas (admin) */
        get: operations["listTenants"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tenants/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A tenant and its quotas (its own key, or admin) */
        get: operations["getTenant"];
        /**
         * Set a tenant's quotas (admin)
         * @description Replaces the tenant's own quotas: fields left out take the server defaults. Applies within 10 s on every replica.
         */
        put: operations["putTenantQuotas"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/limits/{key}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A flow key's limit and use (admin) */
        get: operations["getFlowLimit"];
        /**
         * Set a flow key's limit (admin)
         * @description Replaces the key's limit; a field left out or null does not limit. Every workflow of every batch naming the key (`flowKey`) shares it on every replica from the next claim. A new rate starts with a full bucket; a changed one keeps its tokens up to its burst.
         */
        put: operations["putFlowLimit"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List schedules, newest first, with their next runs and recent ticks */
        get: operations["listSchedules"];
        put?: never;
        /**
         * Create a schedule: a batch submitted on a cron expression or an interval
         * @description Each tick submits the batch once across every replica (its Idempotency-Key is derived from the schedule and the tick time), through restarts: a tick missed while no replica ran follows catchUp.
         */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a schedule with its next runs and recent ticks */
        get: operations["getSchedule"];
        put?: never;
        post?: never;
        /** Delete a schedule (its batches stay) */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        /**
         * Change a schedule
         * @description Changes what the body sets. A new cron, timezone or everyMs starts again from the first tick after now.
         */
        patch: operations["updateSchedule"];
        trace?: never;
    };
    "/v1/schedules/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Pause a schedule: no tick fires from now, on any replica
         * @description A pass taking a tick at this moment finishes first; none starts after.
         */
        post: operations["pauseSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/schedules/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Resume a schedule from the first tick after now
         * @description Ticks that fell while it was paused are not caught up.
         */
        post: operations["resumeSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the store is open and the engine takes work */
        get: operations["ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/batches/{id}/timeline.svg": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A batch as a Gantt chart (SVG)
         * @description One row per workflow with its queue wait and one bar per stage run (fetch, process, store), retries, failures and cancels marked, on a time axis from the batch's createdAt to its finishedAt (or now while it runs). Each bar is a `rect.bar` with `data-stage`, `data-client`, `data-outcome`, `data-attempts`, `data-start-ms` and `data-end-ms` (ms from createdAt) and a `<title>` tooltip.
         */
        get: operations["getBatchTimeline"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description A client id: a string of 1 to 128 characters, or an integer from 0 to 9007199254740991. Compared as sent: "1" and 1 differ. */
        ClientId: string | number;
        /** @description Per-batch overrides for demos and tests. */
        Simulation: {
            /** @description Fetch latency override, ms. */
            fetchMs?: number;
            /** @description Process latency override, ms. */
            processMs?: number;
            /** @description Store latency override, ms. */
            storeMs?: number;
            /** @description CPU busy work per client in the process stage, ms (after processMs; in a worker thread when the server has PROCESS_WORKERS). */
            processCpuMs?: number;
            /** @description Each delay varies uniformly by ± this fraction. */
            jitter?: number;
            /** @description Probability that a stage attempt fails. */
            failureRate?: number;
            /** @description Seed for jitter and failures. */
            seed?: number;
            /**
             * @description This stage fails with a permanent (not retried) error.
             * @enum {unknown}
             */
            failStage?: "fetch" | "process" | "store";
            /** @description Share of the clients (chosen by the seed) whose failStage fails. Default 1. */
            failStageRate?: number;
        };
        /** @description Overrides the server's retry policy (exponential backoff, full jitter) for retryable failures. */
        RetryOptions: {
            /** @description Attempts per stage, the first included. */
            maxAttempts?: number;
            /** @description Backoff ceiling before the second attempt; doubles each attempt. */
            baseMs?: number;
            /** @description Cap on any one backoff. */
            maxMs?: number;
        };
        /** @description Per-stage attempt timeouts; a timed-out attempt is aborted and retried. */
        StageTimeouts: {
            /** @description Timeout of one fetch attempt, ms. */
            fetchMs?: number;
            /** @description Timeout of one process attempt, ms. */
            processMs?: number;
            /** @description Timeout of one store attempt, ms. */
            storeMs?: number;
        };
        /** @description The webhook delivery of the finished batch. */
        Webhook: {
            /** @description The callbackUrl as readers see it: scheme, host and port, then "/…" when it has any path, query or fragment (where tokens live), e.g. "https://example.com/…". The server keeps the whole URL to deliver to. */
            url: string;
            /**
             * @description pending until the batch finishes and a 2xx answer arrives (delivered), or every attempt failed (failed).
             * @enum {unknown}
             */
            status: "pending" | "delivered" | "failed";
            /** @description Delivery attempts made (WEBHOOK_MAX_ATTEMPTS at most). */
            attempts: number;
            /** @description "delivery failed" after a failed attempt, whatever the cause (an HTTP status, a 3xx: redirects are not followed, a timeout, a refused address, DNS or connection error alike); the service's log has the reason. */
            lastError: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            deliveredAt: string | null;
        };
        /** @description avg, nearest-rank p95 and max in ms; null before there is any value. */
        TimingSummary: {
            avg: number;
            p95: number;
            max: number;
        };
        /** @description One stage across a batch's workflows: counts and durations (ms). */
        StageStats: {
            succeeded: number;
            failed: number;
            running: number;
            avgMs: number | null;
            p95Ms: number | null;
            maxMs: number | null;
        };
        /** @description Why a stage attempt failed. */
        ErrorInfo: {
            code: string;
            message: string;
        };
        /** @description How many of a batch's workflows are in each status. */
        Progress: {
            total: number;
            queued: number;
            running: number;
            succeeded: number;
            failed: number;
            canceled: number;
            /** @description Finished stage runs / (total × 3) × 100. */
            percent: number;
        };
        /**
         * @description A batch with its progress and timings.
         * @example {
         *       "id": "209aa845-b2b6-45ab-9fb0-0784b0011911",
         *       "tenant": "acme",
         *       "status": "succeeded",
         *       "label": "tutorial",
         *       "priority": 0,
         *       "options": {
         *         "maxConcurrency": null,
         *         "retry": null,
         *         "timeouts": null,
         *         "simulation": null,
         *         "stages": "simulated",
         *         "crmKey": null,
         *         "flowKey": null
         *       },
         *       "createdAt": "2026-11-22T22:05:53.804Z",
         *       "startedAt": "2026-11-22T22:05:53.870Z",
         *       "finishedAt": "2026-11-22T22:05:59.886Z",
         *       "progress": {
         *         "total": 5,
         *         "queued": 0,
         *         "running": 0,
         *         "succeeded": 5,
         *         "failed": 0,
         *         "canceled": 0,
         *         "percent": 100
         *       },
         *       "stages": {
         *         "fetch": {
         *           "succeeded": 5,
         *           "failed": 0,
         *           "running": 0,
         *           "avgMs": 2002.6,
         *           "p95Ms": 2005,
         *           "maxMs": 2005
         *         },
         *         "process": {
         *           "succeeded": 5,
         *           "failed": 0,
         *           "running": 0,
         *           "avgMs": 3001,
         *           "p95Ms": 3001,
         *           "maxMs": 3001
         *         },
         *         "store": {
         *           "succeeded": 5,
         *           "failed": 0,
         *           "running": 0,
         *           "avgMs": 1003.2,
         *           "p95Ms": 1004,
         *           "maxMs": 1004
         *         }
         *       },
         *       "timings": {
         *         "elapsedMs": 6082,
         *         "queueWaitMs": {
         *           "avg": 69.2,
         *           "p95": 70,
         *           "max": 70
         *         },
         *         "workflowMs": {
         *           "avg": 6012.8,
         *           "p95": 6016,
         *           "max": 6016
         *         },
         *         "sequentialMs": 30064,
         *         "speedup": 4.94
         *       },
         *       "links": {
         *         "self": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
         *         "workflows": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911/workflows"
         *       },
         *       "webhook": {
         *         "url": "https://example.com/…",
         *         "status": "delivered",
         *         "attempts": 1,
         *         "lastError": null,
         *         "deliveredAt": "2026-11-22T22:05:59.912Z"
         *       }
         *     }
         */
        Batch: {
            /**
             * Format: uuid
             * @description The batch's id.
             */
            id: string;
            /**
             * @description The tenant that owns the batch (its API key's).
             * @example acme
             */
            tenant: string;
            /**
             * @description queued until a workflow starts → running → succeeded, failed or canceled.
             * @enum {unknown}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            label: string | null;
            priority: number;
            /** @description What the batch asked for beyond its ids (null: the server default). */
            options: {
                /** @description Most workflows of this batch running at once. */
                maxConcurrency: number | null;
                retry: components["schemas"]["RetryOptions"] | null;
                timeouts: components["schemas"]["StageTimeouts"] | null;
                simulation: components["schemas"]["Simulation"] | null;
                /**
                 * @description Which stages run: simulated (delays, synthesised records) or http (each client fetched from the CRM at the server's CRM_URL_TEMPLATE).
                 * @enum {unknown}
                 */
                stages: "simulated" | "http";
                /** @description Sent to the CRM as the x-crm-key header with each of the batch's requests (the CRM's per-key quota). A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys. */
                crmKey: string | null;
                /**
                 * @description A flow key (e.g. crm:acme): every workflow of every batch naming it shares the key's limit (PUT /v1/limits/{key}); also sent to the CRM as x-crm-key when crmKey is unset. A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.
                 * @example crm:acme
                 */
                flowKey: string | null;
            };
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            finishedAt: string | null;
            progress: components["schemas"]["Progress"];
            stages: {
                fetch: components["schemas"]["StageStats"];
                process: components["schemas"]["StageStats"];
                store: components["schemas"]["StageStats"];
            };
            timings: {
                /** @description createdAt → finishedAt, or → now while unfinished. */
                elapsedMs: number | null;
                queueWaitMs: components["schemas"]["TimingSummary"] | null;
                workflowMs: components["schemas"]["TimingSummary"] | null;
                /** @description Sum of the finished workflows' durations: the cost one at a time. */
                sequentialMs: number;
                /** @description sequentialMs / elapsedMs. */
                speedup: number | null;
            };
            links: {
                self: string;
                workflows: string;
            };
            webhook: components["schemas"]["Webhook"] | null;
        };
        /** @description One stage of one workflow. */
        Stage: {
            /**
             * @description Stage name.
             * @enum {unknown}
             */
            name: "fetch" | "process" | "store";
            /**
             * @description The stage's status.
             * @enum {unknown}
             */
            status: "pending" | "running" | "succeeded" | "failed" | "skipped";
            attempts: number;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            finishedAt: string | null;
            /** @description Milliseconds. */
            durationMs: number | null;
            error: components["schemas"]["ErrorInfo"] | null;
        };
        /**
         * @description One client id's run through the stages.
         * @example {
         *       "id": "c08e66d3-5357-407d-8ffd-93d1f1d0ee9d",
         *       "batchId": "209aa845-b2b6-45ab-9fb0-0784b0011911",
         *       "clientId": 1,
         *       "status": "succeeded",
         *       "stage": "store",
         *       "attempts": 3,
         *       "queuedAt": "2026-11-22T22:05:53.804Z",
         *       "startedAt": "2026-11-22T22:05:53.870Z",
         *       "finishedAt": "2026-11-22T22:05:59.886Z",
         *       "queueWaitMs": 66,
         *       "durationMs": 6016,
         *       "nextAttemptAt": null,
         *       "stages": [
         *         {
         *           "name": "fetch",
         *           "status": "succeeded",
         *           "attempts": 1,
         *           "startedAt": "2026-11-22T22:05:53.870Z",
         *           "finishedAt": "2026-11-22T22:05:55.875Z",
         *           "durationMs": 2005,
         *           "error": null
         *         },
         *         {
         *           "name": "process",
         *           "status": "succeeded",
         *           "attempts": 1,
         *           "startedAt": "2026-11-22T22:05:55.879Z",
         *           "finishedAt": "2026-11-22T22:05:58.880Z",
         *           "durationMs": 3001,
         *           "error": null
         *         },
         *         {
         *           "name": "store",
         *           "status": "succeeded",
         *           "attempts": 1,
         *           "startedAt": "2026-11-22T22:05:58.882Z",
         *           "finishedAt": "2026-11-22T22:05:59.886Z",
         *           "durationMs": 1004,
         *           "error": null
         *         }
         *       ],
         *       "result": {
         *         "clientId": 1,
         *         "name": "Elena Vega",
         *         "stats": {
         *           "orderCount": 4,
         *           "total": 1285.94,
         *           "mean": 321.49,
         *           "max": 558.4
         *         },
         *         "validation": {
         *           "valid": true,
         *           "problems": []
         *         },
         *         "storedAt": "2026-11-22T22:05:59.883Z"
         *       },
         *       "error": null
         *     }
         */
        Workflow: {
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            id: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The workflow's status.
             * @enum {unknown}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            stage: ("fetch" | "process" | "store") | null;
            /** @description Total stage attempts (3 when nothing was re-run). */
            attempts: number;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            queuedAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            startedAt: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            finishedAt: string | null;
            /** @description Milliseconds. */
            queueWaitMs: number | null;
            /** @description Milliseconds. */
            durationMs: number | null;
            /**
             * Format: date-time
             * @description When a failed stage is due to run again (retry backoff).
             */
            nextAttemptAt: string | null;
            stages: components["schemas"]["Stage"][];
            result: {
                [key: string]: unknown;
            } | null;
            error: {
                /**
                 * @description The stage that failed.
                 * @enum {unknown}
                 */
                stage: "fetch" | "process" | "store";
                code: string;
                message: string;
            } | null;
        };
        /** @description One page of a list, in a stable order. */
        BatchPage: {
            items: components["schemas"]["Batch"][];
            /** @description Pass as `cursor` for the next page; null on the last. */
            nextCursor: string | null;
        };
        /** @description One page of a list, in a stable order. */
        WorkflowPage: {
            items: components["schemas"]["Workflow"][];
            /** @description Pass as `cursor` for the next page; null on the last. */
            nextCursor: string | null;
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            /** @description A URI naming the kind of problem. */
            type: string;
            title: string;
            status: number;
            detail: string;
            instance?: string;
            /** @description This request's id, also in the x-request-id response header: quote it when reporting a problem. */
            requestId: string;
            errors?: {
                /** @description JSON Pointer into the request part, e.g. /body/clientIds/3. */
                path: string;
                message: string;
            }[];
        };
        /** @description The process is alive. */
        Health: {
            status: string;
        };
        /** @description Whether the store answers and the engine takes work. */
        Ready: {
            status: "ready" | "unavailable";
            checks: {
                store: boolean;
                engine: boolean;
            };
        };
        /** @description Quotas set for this tenant; a field left out takes the server default (TENANT_* variables). */
        Quotas: {
            /** @description Most workflows queued at once. */
            maxQueued?: number;
            /** @description Most workflows running at once across replicas (null: no cap). */
            maxRunning?: number | null;
            /** @description Lowest priority a batch may ask for. */
            priorityMin?: number;
            /** @description Highest priority a batch may ask for. */
            priorityMax?: number;
            /** @description Most attempts per stage a batch may ask for. */
            maxAttempts?: number;
            /** @description Longest stage timeout or retry backoff a batch may ask for, ms. */
            maxTimeoutMs?: number;
            /** @description Longest simulated stage delay a batch may ask for, ms. */
            maxDelayMs?: number;
            /** @description Longest simulated CPU work (simulation.processCpuMs) a batch may ask for, ms. */
            maxCpuMs?: number;
            /** @description Most workflows stored, whatever their status, until retention purges them. */
            maxStored?: number;
            /** @description Event streams, long-polls and exports open at once, per process. */
            maxStreams?: number;
            /** @description Requests per minute per key. */
            ratePerMinute?: number;
            /** @description Flow and CRM keys granted beyond the tenant's own ("<tenant>" and "<tenant>:…"): a batch may name only these as flowKey or crmKey. */
            flowKeys?: string[];
            /** @description Most schedules of the tenant. */
            maxSchedules?: number;
            /** @description Shortest time between two ticks of one schedule, ms. */
            minScheduleIntervalMs?: number;
            /** @description Most client ids the batch of one schedule tick may hold. */
            maxScheduleBatch?: number;
            /** @description Days a finished batch of the tenant is kept before it is deleted with its workflows and events (default: the server's RETENTION_DAYS); 0 keeps them forever. */
            retentionDays?: number;
        };
        /** @description A tenant and its quotas. */
        Tenant: {
            /**
             * @description A tenant id: lower-case letters, digits, - and _, up to 63.
             * @example acme
             */
            id: string;
            quotas: components["schemas"]["Quotas"];
            /** @description What applies: the tenant's own quotas over the server defaults. */
            effective: {
                /** @description Most workflows queued at once. */
                maxQueued: number;
                /** @description Most workflows running at once across replicas (null: no cap). */
                maxRunning: number | null;
                /** @description Lowest priority a batch may ask for. */
                priorityMin: number;
                /** @description Highest priority a batch may ask for. */
                priorityMax: number;
                /** @description Most attempts per stage a batch may ask for. */
                maxAttempts: number;
                /** @description Longest stage timeout or retry backoff a batch may ask for, ms. */
                maxTimeoutMs: number;
                /** @description Longest simulated stage delay a batch may ask for, ms. */
                maxDelayMs: number;
                /** @description Longest simulated CPU work (simulation.processCpuMs) a batch may ask for, ms. */
                maxCpuMs: number;
                /** @description Most workflows stored, whatever their status, until retention purges them. */
                maxStored: number;
                /** @description Event streams, long-polls and exports open at once, per process. */
                maxStreams: number;
                /** @description Requests per minute per key. */
                ratePerMinute: number;
                /** @description Flow and CRM keys granted beyond the tenant's own ("<tenant>" and "<tenant>:…"): a batch may name only these as flowKey or crmKey. */
                flowKeys: string[];
                /** @description Most schedules of the tenant. */
                maxSchedules: number;
                /** @description Shortest time between two ticks of one schedule, ms. */
                minScheduleIntervalMs: number;
                /** @description Most client ids the batch of one schedule tick may hold. */
                maxScheduleBatch: number;
                /** @description Days a finished batch of the tenant is kept before it is deleted with its workflows and events (default: the server's RETENTION_DAYS); 0 keeps them forever. */
                retentionDays: number;
            };
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            createdAt: string | null;
        };
        /** @description An API key (never the key itself, which is shown once, at creation). */
        Key: {
            /** @description A key's public id (the part after cf_). */
            id: string;
            /**
             * @description A tenant id: lower-case letters, digits, - and _, up to 63.
             * @example acme
             */
            tenant: string;
            /** @description Reads and acts on every tenant's data, manages keys and quotas. */
            admin: boolean;
            label: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            revokedAt: string | null;
        };
        /** @description A key to make: its tenant (created if new), whether it is an admin key, a label. */
        NewKey: {
            /**
             * @description A tenant id: lower-case letters, digits, - and _, up to 63.
             * @example acme
             */
            tenant: string;
            /** @default false */
            admin?: boolean;
            /** @description Free text shown with the key: up to 200 characters, no NUL and no unpaired surrogate. */
            label?: string;
        };
        /** @description A new API key, with the key itself (shown only once). */
        CreatedKey: {
            /** @description A key's public id (the part after cf_). */
            id: string;
            /**
             * @description A tenant id: lower-case letters, digits, - and _, up to 63.
             * @example acme
             */
            tenant: string;
            /** @description Reads and acts on every tenant's data, manages keys and quotas. */
            admin: boolean;
            label: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            revokedAt: string | null;
            /** @description The key: send it as Authorization: Bearer <key>. Shown only now; only its hash is stored. */
            key: string;
        };
        /** @description API keys, revoked ones too. */
        KeyList: {
            items: components["schemas"]["Key"][];
        };
        /** @description Tenants and their quotas. */
        TenantList: {
            items: components["schemas"]["Tenant"][];
        };
        /** @description Who the request acts as. */
        Me: {
            /**
             * @description A tenant id: lower-case letters, digits, - and _, up to 63.
             * @example acme
             */
            tenant: string;
            admin: boolean;
            /** @description A key's public id (the part after cf_). */
            keyId: string | null;
        };
        /**
         * @description A flow key's limit; a field left out or null does not limit.
         * @example {
         *       "rate": 500,
         *       "periodMs": 1000,
         *       "concurrency": 50
         *     }
         */
        FlowLimitUpdate: {
            /** @description Most workflows of the key leased at once, across replicas; null: no cap. */
            concurrency?: number | null;
            /** @description Claims of the key per periodMs (token bucket); null: no rate. */
            rate?: number | null;
            /** @description The rate's period in ms (with rate). */
            periodMs?: number | null;
            /** @description Most tokens the bucket holds; null: rate. */
            burst?: number | null;
        };
        /** @description A flow key's limit and its use. */
        FlowLimit: {
            /**
             * @description A flow key (e.g. crm:acme): every workflow of every batch naming it shares the key's limit (PUT /v1/limits/{key}); also sent to the CRM as x-crm-key when crmKey is unset. A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.
             * @example crm:acme
             */
            key: string;
            /** @description Most workflows of the key leased at once, across replicas; null: no cap. */
            concurrency: number | null;
            /** @description Claims of the key per periodMs (token bucket); null: no rate. */
            rate: number | null;
            /** @description The rate's period in ms (with rate). */
            periodMs: number | null;
            /** @description Most tokens the bucket holds; null: rate. */
            burst: number | null;
            /** @description Workflows of the key's batches leased now. */
            inUse: number;
            /** @description Workflows of the key's batches waiting (unfinished, not leased). */
            waiting: number;
            /** @description Claims that found work of the key but no token, since the limit was created. */
            throttled: number;
            /** @description Tokens in the bucket now; null without a rate. */
            tokens: number | null;
            /**
             * Format: date-time
             * @description Until when the key is (or was last) paused: the CRM answered 429 or 503 with Retry-After, and no replica claims its work before then; null: never paused.
             */
            pausedUntil: string | null;
            /** @description Times the CRM paused the key. */
            pauses: number;
        };
        /** @description The batch was accepted. */
        BatchCreatedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "batch.created";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /** @description Its workflows. */
            total: number;
        };
        /** @description A first workflow of the batch started. */
        BatchStartedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "batch.started";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
        };
        /** @description A stage attempt started. */
        StageStartedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "stage.started";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The stage.
             * @enum {unknown}
             */
            stage: "fetch" | "process" | "store";
            /** @description Which attempt of the stage, from 1. */
            attempt: number;
        };
        /** @description A stage attempt succeeded. */
        StageSucceededEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "stage.succeeded";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The stage.
             * @enum {unknown}
             */
            stage: "fetch" | "process" | "store";
            /** @description Which attempt of the stage, from 1. */
            attempt: number;
            /** @description Milliseconds. */
            durationMs: number;
        };
        /** @description A stage attempt failed for good: the workflow failed. */
        StageFailedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "stage.failed";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The stage.
             * @enum {unknown}
             */
            stage: "fetch" | "process" | "store";
            /** @description Which attempt of the stage, from 1. */
            attempt: number;
            /** @description Milliseconds. */
            durationMs: number;
            error: components["schemas"]["ErrorInfo"];
        };
        /** @description A stage attempt failed and will be retried. */
        StageRetryingEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "stage.retrying";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The stage.
             * @enum {unknown}
             */
            stage: "fetch" | "process" | "store";
            /** @description Which attempt of the stage, from 1. */
            attempt: number;
            /** @description Milliseconds. */
            durationMs: number;
            error: components["schemas"]["ErrorInfo"];
            /** @description Milliseconds. */
            delayMs: number;
            /**
             * Format: date-time
             * @description When the next attempt is due.
             */
            nextAttemptAt: string;
        };
        /** @description A running stage attempt ended canceled. */
        StageCanceledEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "stage.canceled";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The stage.
             * @enum {unknown}
             */
            stage: "fetch" | "process" | "store";
            /** @description Which attempt of the stage, from 1. */
            attempt: number;
        };
        /** @description A stage attempt was cut short (its process stopped or lost its lease); it runs again. */
        StageInterruptedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "stage.interrupted";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The stage.
             * @enum {unknown}
             */
            stage: "fetch" | "process" | "store";
            /** @description Which attempt of the stage, from 1. */
            attempt: number;
        };
        /** @description The batch was canceled. */
        BatchCanceledEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "batch.canceled";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
        };
        /** @description Failed (or canceled) workflows of the batch were requeued. */
        BatchRetriedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "batch.retried";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /** @description How many. */
            workflows: number;
        };
        /** @description A workflow ended. */
        WorkflowFinishedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "workflow.finished";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description How it ended.
             * @enum {unknown}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            /** @description Milliseconds. */
            durationMs: number;
        };
        /** @description Every workflow of the batch ended: the last event of its stream. */
        BatchFinishedEvent: {
            /** @description The event's store id, also its SSE `id:`: send it as Last-Event-ID to resume after it. */
            id: number;
            /** @enum {string} */
            type: "batch.finished";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * @description How the batch ended.
             * @enum {unknown}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
        };
        /** @description The batch's counters: first on every stream, then a few times a second while they move. It has no id: it is not stored. */
        BatchProgressEvent: {
            /** @enum {string} */
            type: "batch.progress";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * @description The batch's status now.
             * @enum {unknown}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            progress: components["schemas"]["Progress"];
        };
        /** @description One message of a batch's event stream (the `data:` of an SSE message whose `event:` is its `type`). */
        Event: components["schemas"]["BatchCreatedEvent"] | components["schemas"]["BatchStartedEvent"] | components["schemas"]["StageStartedEvent"] | components["schemas"]["StageSucceededEvent"] | components["schemas"]["StageFailedEvent"] | components["schemas"]["StageRetryingEvent"] | components["schemas"]["StageCanceledEvent"] | components["schemas"]["StageInterruptedEvent"] | components["schemas"]["BatchCanceledEvent"] | components["schemas"]["BatchRetriedEvent"] | components["schemas"]["WorkflowFinishedEvent"] | components["schemas"]["BatchFinishedEvent"] | components["schemas"]["BatchProgressEvent"];
        /** @description One stage of one workflow in an export: its status, attempts and how long its last attempt took. */
        StageTiming: {
            /**
             * @description The stage's status.
             * @enum {unknown}
             */
            status: "pending" | "running" | "succeeded" | "failed" | "skipped";
            attempts: number;
            /** @description Milliseconds. */
            durationMs: number | null;
        };
        /** @description One line of an NDJSON export: one workflow with its result or error and its stage timings. The CSV export has the same fields as columns (see the operation). */
        ExportRow: {
            /**
             * Format: uuid
             * @description The workflow's id.
             */
            workflowId: string;
            clientId: components["schemas"]["ClientId"];
            /**
             * @description The workflow's status when its page was read.
             * @enum {unknown}
             */
            status: "queued" | "running" | "succeeded" | "failed" | "canceled";
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            finishedAt: string | null;
            /** @description Milliseconds. */
            durationMs: number | null;
            result: {
                [key: string]: unknown;
            } | null;
            error: {
                /**
                 * @description The stage that failed.
                 * @enum {unknown}
                 */
                stage: "fetch" | "process" | "store";
                code: string;
                message: string;
            } | null;
            stages: {
                fetch: components["schemas"]["StageTiming"];
                process: components["schemas"]["StageTiming"];
                store: components["schemas"]["StageTiming"];
            };
        };
        /** @description A batch's webhook delivery: every attempt failed. */
        WebhookDelivery: {
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string;
            /**
             * @description A tenant id: lower-case letters, digits, - and _, up to 63.
             * @example acme
             */
            tenant: string;
            label: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            finishedAt: string | null;
            webhook: components["schemas"]["Webhook"];
            links: {
                batch: string;
                /** @description POST here (Content-Type: application/json) to send it again. */
                redeliver: string;
            };
        };
        /** @description One page of a list, in a stable order. */
        WebhookDeliveryPage: {
            items: components["schemas"]["WebhookDelivery"][];
            /** @description Pass as `cursor` for the next page; null on the last. */
            nextCursor: string | null;
        };
        /**
         * @description A schedule: when (cron with timezone, or everyMs), the batch each tick submits (a POST /v1/batches body; "{tick}" in its label becomes the tick's time), and what to do about overlaps and missed ticks.
         * @example {
         *       "name": "nightly sync",
         *       "cron": "0 0 3 * * *",
         *       "timezone": "Europe/Madrid",
         *       "batch": {
         *         "clientIds": [
         *           1,
         *           2,
         *           3
         *         ],
         *         "label": "nightly {tick}"
         *       }
         *     }
         */
        ScheduleCreate: {
            /** @description Free text shown with the schedule (and in its batches' labels when they set none): 1 to 200 characters. */
            name?: string;
            batch: components["schemas"]["BatchCreate"];
            /**
             * @description While the previous batch of the schedule is unfinished: skip the tick (default), allow it, or cancel that batch first.
             * @enum {unknown}
             */
            overlap?: "skip" | "allow" | "cancel";
            /**
             * @description Ticks missed by more than SCHEDULE_MISFIRE_MS (the server was down): none skips them, latest (default) fires the latest of them, all fires every one within catchUpWindowMs.
             * @enum {unknown}
             */
            catchUp?: "none" | "latest" | "all";
            /** @description With catchUp all: how old a missed tick may be and still fire, ms. Default 1 hour. */
            catchUpWindowMs?: number;
            /** @description Each tick fires up to this much after its time, the same delay on every replica; less than the time between two ticks. Default 0. */
            jitterMs?: number;
            /**
             * @description A cron expression as croner reads it: 5 fields (minute hour day month weekday), or 6 with seconds first (e.g. "*\/2 * * * * *"), or a nickname (@hourly, @daily, @weekly, @monthly, @yearly). Daylight-saving changes follow croner's documented rule: a time in a skipped hour runs at the end of the gap (fixed times) or not at all (steps); a repeated hour runs once (fixed times) or twice (steps).
             * @example 0 0 3 * * *
             */
            cron?: string;
            /**
             * @description The IANA time zone the cron expression is read in. Default UTC.
             * @example Europe/Madrid
             */
            timezone?: string;
            /** @description Instead of cron: a tick every this many ms, counted from when it was set (the tenant's minScheduleIntervalMs at least). */
            everyMs?: number;
            /** @description Created paused: no tick until it is resumed. Default false. */
            paused?: boolean;
        };
        /**
         * @description What to change; the rest stays. A new cron or everyMs starts again from the first tick after now.
         * @example {
         *       "cron": "0 30 2 * * *"
         *     }
         */
        ScheduleUpdate: {
            /** @description Free text shown with the schedule (and in its batches' labels when they set none): 1 to 200 characters. */
            name?: string | null;
            /**
             * @description A cron expression as croner reads it: 5 fields (minute hour day month weekday), or 6 with seconds first (e.g. "*\/2 * * * * *"), or a nickname (@hourly, @daily, @weekly, @monthly, @yearly). Daylight-saving changes follow croner's documented rule: a time in a skipped hour runs at the end of the gap (fixed times) or not at all (steps); a repeated hour runs once (fixed times) or twice (steps).
             * @example 0 0 3 * * *
             */
            cron?: string;
            /**
             * @description The IANA time zone the cron expression is read in. Default UTC.
             * @example Europe/Madrid
             */
            timezone?: string;
            /** @description Instead of cron: a tick every this many ms, counted from when it was set (the tenant's minScheduleIntervalMs at least). */
            everyMs?: number;
            batch?: components["schemas"]["BatchCreate"];
            /**
             * @description While the previous batch of the schedule is unfinished: skip the tick (default), allow it, or cancel that batch first.
             * @enum {unknown}
             */
            overlap?: "skip" | "allow" | "cancel";
            /**
             * @description Ticks missed by more than SCHEDULE_MISFIRE_MS (the server was down): none skips them, latest (default) fires the latest of them, all fires every one within catchUpWindowMs.
             * @enum {unknown}
             */
            catchUp?: "none" | "latest" | "all";
            /** @description With catchUp all: how old a missed tick may be and still fire, ms. Default 1 hour. */
            catchUpWindowMs?: number;
            /** @description Each tick fires up to this much after its time, the same delay on every replica; less than the time between two ticks. Default 0. */
            jitterMs?: number;
        };
        /** @description One tick taken (at most one per schedule and time, across every replica): schedule.fired or schedule.skipped. */
        ScheduleTick: {
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            tickAt: string;
            /**
             * @description fired: a batch was made; skipped: none, reason says why.
             * @enum {unknown}
             */
            outcome: "fired" | "skipped";
            /**
             * Format: uuid
             * @description The batch's id.
             */
            batchId: string | null;
            /** @description Why no batch: missed (catch-up), overlap, or a quota, with the numbers. */
            reason: string | null;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            at: string;
        };
        /** @description A schedule, its next runs and its recent ticks. */
        Schedule: {
            /**
             * Format: uuid
             * @description The schedule's id.
             */
            id: string;
            /**
             * @description A tenant id: lower-case letters, digits, - and _, up to 63.
             * @example acme
             */
            tenant: string;
            name: string | null;
            cron: string | null;
            timezone: string | null;
            everyMs: number | null;
            /** @description The batch each tick submits. */
            batch: {
                clientIds: components["schemas"]["ClientId"][];
                priority: number;
                /** @description The label template; null: the schedule's name and the tick's time. */
                label: string | null;
                /** @description Most workflows of this batch running at once. */
                maxConcurrency: number | null;
                retry: components["schemas"]["RetryOptions"] | null;
                timeouts: components["schemas"]["StageTimeouts"] | null;
                simulation: components["schemas"]["Simulation"] | null;
                /** @description As a batch's webhook url shows it: scheme, host and port, then "/…". */
                callbackUrl: string | null;
                /**
                 * @description Which stages run: simulated (delays, synthesised records) or http (each client fetched from the CRM at the server's CRM_URL_TEMPLATE).
                 * @enum {unknown}
                 */
                stages: "simulated" | "http";
                /** @description Sent to the CRM as the x-crm-key header with each of the batch's requests (the CRM's per-key quota). A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys. */
                crmKey: string | null;
                /**
                 * @description A flow key (e.g. crm:acme): every workflow of every batch naming it shares the key's limit (PUT /v1/limits/{key}); also sent to the CRM as x-crm-key when crmKey is unset. A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.
                 * @example crm:acme
                 */
                flowKey: string | null;
            };
            /**
             * @description While the previous batch of the schedule is unfinished: skip the tick (default), allow it, or cancel that batch first.
             * @enum {unknown}
             */
            overlap: "skip" | "allow" | "cancel";
            /**
             * @description Ticks missed by more than SCHEDULE_MISFIRE_MS (the server was down): none skips them, latest (default) fires the latest of them, all fires every one within catchUpWindowMs.
             * @enum {unknown}
             */
            catchUp: "none" | "latest" | "all";
            catchUpWindowMs: number;
            jitterMs: number;
            paused: boolean;
            /** @description The next tick times (up to 5); empty while paused. */
            nextRuns: string[];
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            lastTickAt: string | null;
            /**
             * Format: uuid
             * @description The batch's id.
             */
            lastBatchId: string | null;
            /** @description Why the last tick made no batch; null once one does. */
            lastError: string | null;
            /** @description The latest ticks taken, newest first (up to 10). */
            recentTicks: components["schemas"]["ScheduleTick"][];
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description ISO-8601 UTC with milliseconds.
             */
            updatedAt: string;
            links: {
                self: string;
                /** @description The recent ticks' batches. */
                batches: string[];
            };
        };
        /** @description One page of schedules, newest first. */
        SchedulePage: {
            items: components["schemas"]["Schedule"][];
            /** @description Pass as `cursor` for the next page; null on the last. */
            nextCursor: string | null;
        };
        /**
         * @example {
         *       "clientIds": [
         *         1,
         *         2,
         *         3,
         *         4,
         *         5
         *       ],
         *       "label": "tutorial"
         *     }
         */
        BatchCreate: {
            /** @description 1 to 10000 client ids, no duplicates; each becomes one workflow. */
            clientIds: components["schemas"]["ClientId"][];
            /**
             * @description Among its tenant's batches, higher runs first; tenants share the workers equally whatever their priorities. Default 0.
             * @default 0
             */
            priority?: number;
            /** @description Free text shown with the batch: 1 to 200 characters, no NUL and no unpaired surrogate. */
            label?: string;
            /** @description Most workflows of this batch running at once. */
            maxConcurrency?: number;
            retry?: components["schemas"]["RetryOptions"];
            timeouts?: components["schemas"]["StageTimeouts"];
            simulation?: components["schemas"]["Simulation"];
            /**
             * Format: uri
             * @description An http: or https: URL that gets the finished batch (as GET /v1/batches/{id} shows it) in a POST signed as Standard Webhooks define it (headers webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">). Needs WEBHOOK_SECRET on the server. Only public addresses are called: an IP address that is loopback, private, link-local or otherwise not public is refused here (400), and a host name resolving to one fails at delivery; the server's WEBHOOK_ALLOW_HOSTS names exceptions.
             * @example https://example.com/hooks/clientflow
             */
            callbackUrl?: string;
            /**
             * @description Which stages run: simulated (delays, synthesised records) or http (each client fetched from the CRM at the server's CRM_URL_TEMPLATE). Default: the server's DEFAULT_STAGES.
             * @enum {unknown}
             */
            stages?: "simulated" | "http";
            /** @description Sent to the CRM as the x-crm-key header with each of the batch's requests (the CRM's per-key quota). A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys. */
            crmKey?: string;
            /**
             * @description A flow key (e.g. crm:acme): every workflow of every batch naming it shares the key's limit (PUT /v1/limits/{key}); also sent to the CRM as x-crm-key when crmKey is unset. A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.
             * @example crm:acme
             */
            flowKey?: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description This request's id: the caller's x-request-id when it matches the pattern, otherwise a new UUID. Logs carry it as reqId, problem+json as requestId. */
        "X-Request-Id": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics of this process. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBatches: {
        parameters: {
            query?: {
                /** @description Only batches with this status. */
                status?: "queued" | "running" | "succeeded" | "failed" | "canceled";
                /**
                 * @description Page size, 1..1000.
                 * @example 20
                 */
                limit?: number;
                /** @description nextCursor from the previous page. */
                cursor?: string;
                /**
                 * @description Only this tenant's batches (an admin key; any other key lists only its own tenant's).
                 * @example acme
                 */
                tenant?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of a list, in a stable order. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchPage"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createBatch: {
        parameters: {
            query?: never;
            header?: {
                /** @description Replays the original batch for a repeated request with the same key and body (200, Idempotent-Replayed: true); the same key with another body is a 422. Keys are kept for IDEMPOTENCY_TTL_MS. */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchCreate"];
            };
        };
        responses: {
            /** @description A replay: the batch an earlier request with the same Idempotency-Key and body created. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    /** @description The batch: /v1/batches/{id} */
                    Location?: string;
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Accepted and durable. */
            202: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    /** @description The batch: /v1/batches/{id} */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Idempotency-Key reused with a different body */
            422: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/idempotency-key-reused",
                     *       "title": "Unprocessable Entity",
                     *       "status": 422,
                     *       "detail": "this Idempotency-Key was used with a different request body",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The tenant stores as many workflows as its quota maxStored allows, until retention purges some */
            507: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/storage-quota",
                     *       "title": "Insufficient Storage",
                     *       "status": 507,
                     *       "detail": "tenant acme stores 999995 workflows (until retention purges them); accepting this batch would pass its quota of 1000000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getBatch: {
        parameters: {
            query?: {
                /** @description Long-poll: hold the answer up to this many seconds until the batch finishes (0: answer now). */
                wait?: number;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A batch with its progress and timings. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listBatchWorkflows: {
        parameters: {
            query?: {
                /** @description Only workflows with this status. */
                status?: "queued" | "running" | "succeeded" | "failed" | "canceled";
                /**
                 * @description Page size, 1..1000.
                 * @example 20
                 */
                limit?: number;
                /** @description nextCursor from the previous page. */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of a list, in a stable order. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowPage"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamBatchEvents: {
        parameters: {
            query?: never;
            header?: {
                /** @description Resume after this event id (one of this batch's events): every later event of the batch is replayed first. */
                "last-event-id"?: string;
            };
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event stream. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description The batch is finished and `Last-Event-ID` is its last event: nothing more will come. */
            204: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    exportBatchResults: {
        parameters: {
            query?: {
                /** @description Only workflows with this status (when their page is read). */
                status?: "queued" | "running" | "succeeded" | "failed" | "canceled";
                /** @description ndjson or csv; overrides Accept (for a link a browser follows). */
                format?: "ndjson" | "csv";
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The export, streamed. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                    "text/csv": string;
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWorkflows: {
        parameters: {
            query: {
                /** @description Which workflows: `failed` (the only status listed across batches; a batch's list takes any). */
                status: "failed";
                /** @description Only those that failed in this stage. */
                stage?: "fetch" | "process" | "store";
                /** @description Only those whose error has this code (e.g. TIMEOUT, HTTP_500). */
                errorCode?: string;
                /** @description Only those that failed at or after this time (ISO-8601). */
                since?: string;
                /**
                 * @description Page size, 1..1000.
                 * @example 20
                 */
                limit?: number;
                /** @description nextCursor from the previous page. */
                cursor?: string;
                /**
                 * @description Only this tenant's (an admin key; any other key lists only its own tenant's).
                 * @example acme
                 */
                tenant?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of a list, in a stable order. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WorkflowPage"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One client id's run through the stages. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFailedWebhooks: {
        parameters: {
            query: {
                /** @description Which deliveries: `failed` (every attempt failed; pending and delivered ones show on their batch). */
                status: "failed";
                /**
                 * @description Page size, 1..1000.
                 * @example 20
                 */
                limit?: number;
                /** @description nextCursor from the previous page. */
                cursor?: string;
                /**
                 * @description Only this tenant's (an admin key; any other key lists only its own tenant's).
                 * @example acme
                 */
                tenant?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of a list, in a stable order. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookDeliveryPage"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelBatch: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        /** @description No options: send an empty body or {}, with Content-Type: application/json (any other type is a 415). */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Cancel accepted; running workflows end canceled shortly. */
            202: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryBatch: {
        parameters: {
            query?: {
                /** @description Also requeue canceled workflows. */
                includeCanceled?: boolean;
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        /** @description No options: send an empty body or {}, with Content-Type: application/json (any other type is a 415). */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Requeued. */
            202: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    redeliverWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        /** @description No options: send an empty body or {}, with Content-Type: application/json (any other type is a 415). */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Due again: the batch with its webhook pending. */
            202: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Batch"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not in a state that allows this */
            409: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-retryable",
                     *       "title": "Conflict",
                     *       "status": 409,
                     *       "detail": "workflow c08e66d3-5357-407d-8ffd-93d1f1d0ee9d is succeeded; only failed or canceled workflows can be retried",
                     *       "instance": "/v1/workflows/c08e66d3-5357-407d-8ffd-93d1f1d0ee9d/retry",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        /** @description No options: send an empty body or {}, with Content-Type: application/json (any other type is a 415). */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Cancel accepted. */
            202: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryWorkflow: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        /** @description No options: send an empty body or {}, with Content-Type: application/json (any other type is a 415). */
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Requeued at the stage that failed. */
            202: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Workflow"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not in a state that allows this */
            409: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-retryable",
                     *       "title": "Conflict",
                     *       "status": 409,
                     *       "detail": "workflow c08e66d3-5357-407d-8ffd-93d1f1d0ee9d is succeeded; only failed or canceled workflows can be retried",
                     *       "instance": "/v1/workflows/c08e66d3-5357-407d-8ffd-93d1f1d0ee9d/retry",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not accepting work (shutting down) */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-accepting",
                     *       "title": "Service Unavailable",
                     *       "status": 503,
                     *       "detail": "the service is shutting down and takes no new batches; retry shortly",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who the request acts as. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listKeys: {
        parameters: {
            query?: {
                /**
                 * @description A tenant id: lower-case letters, digits, - and _, up to 63.
                 * @example acme
                 */
                tenant?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description API keys, revoked ones too. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyList"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewKey"];
            };
        };
        responses: {
            /** @description A new API key, with the key itself (shown only once). */
            201: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedKey"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A key's public id (the part after cf_). */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An API key (never the key itself, which is shown once, at creation). */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Key"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listTenants: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tenants and their quotas. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TenantList"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getTenant: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A tenant id: lower-case letters, digits, - and _, up to 63.
                 * @example acme
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A tenant and its quotas. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putTenantQuotas: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A tenant id: lower-case letters, digits, - and _, up to 63.
                 * @example acme
                 */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Quotas"];
            };
        };
        responses: {
            /** @description A tenant and its quotas. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Tenant"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFlowLimit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A flow key (e.g. crm:acme): every workflow of every batch naming it shares the key's limit (PUT /v1/limits/{key}); also sent to the CRM as x-crm-key when crmKey is unset. A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.
                 * @example crm:acme
                 */
                key: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A flow key's limit and its use. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowLimit"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    putFlowLimit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description A flow key (e.g. crm:acme): every workflow of every batch naming it shares the key's limit (PUT /v1/limits/{key}); also sent to the CRM as x-crm-key when crmKey is unset. A tenant key names only its own ("<tenant>", "<tenant>:…") or one granted in its quota flowKeys.
                 * @example crm:acme
                 */
                key: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FlowLimitUpdate"];
            };
        };
        responses: {
            /** @description A flow key's limit and its use. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["FlowLimit"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSchedules: {
        parameters: {
            query?: {
                /** @description Page size, 1..100. */
                limit?: number;
                /** @description nextCursor from the previous page. */
                cursor?: string;
                /**
                 * @description Only this tenant's schedules (an admin key; any other key lists only its own).
                 * @example acme
                 */
                tenant?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of schedules, newest first. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SchedulePage"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleCreate"];
            };
        };
        responses: {
            /** @description Created. */
            201: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    /** @description The schedule: /v1/schedules/{id} */
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A schedule, its next runs and its recent ticks. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted: no tick fires from now, on any replica. */
            204: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ScheduleUpdate"];
            };
        };
        responses: {
            /** @description A schedule, its next runs and its recent ticks. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The key may not do this (another tenant's data, an admin endpoint, or past a quota) */
            403: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/forbidden",
                     *       "title": "Forbidden",
                     *       "status": 403,
                     *       "detail": "this endpoint needs an admin key",
                     *       "instance": "/v1/keys",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body too large */
            413: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/body-too-large",
                     *       "title": "Payload Too Large",
                     *       "status": 413,
                     *       "detail": "Request body is too large",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Body is not application/json */
            415: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unsupported-media-type",
                     *       "title": "Unsupported Media Type",
                     *       "status": 415,
                     *       "detail": "Content-Type \"text/plain\" is not accepted: send the body as application/json",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    pauseSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A schedule, its next runs and its recent ticks. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resumeSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A schedule, its next runs and its recent ticks. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Schedule"];
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is alive. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Whether the store answers and the engine takes work. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
            /** @description Whether the store answers and the engine takes work. */
            503: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Ready"];
                };
            };
        };
    };
    getBatchTimeline: {
        parameters: {
            query?: {
                /** @description How many workflows to draw, first by creation order (1..1000). A cut chart says "showing N of M". */
                rows?: number;
                /** @description Draw only the workflows with this status now (e.g. running, in a batch larger than rows). */
                status?: "queued" | "running" | "succeeded" | "failed" | "canceled";
            };
            header?: never;
            path: {
                /** @description The resource's id. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The chart. */
            200: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    /** @description `no-store` while the batch is unfinished; `no-cache` once finished (a retry may reopen it). */
                    "Cache-Control"?: "no-store" | "no-cache";
                    [name: string]: unknown;
                };
                content: {
                    "image/svg+xml": string;
                };
            };
            /** @description Invalid request */
            400: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/duplicate-client-ids",
                     *       "title": "Bad Request",
                     *       "status": 400,
                     *       "detail": "clientIds must not repeat: /body/clientIds/2",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59",
                     *       "errors": [
                     *         {
                     *           "path": "/body/clientIds/2",
                     *           "message": "duplicates /body/clientIds/0 (1)"
                     *         }
                     *       ]
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description No valid API key (send Authorization: Bearer <key>) */
            401: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/unauthorized",
                     *       "title": "Unauthorized",
                     *       "status": 401,
                     *       "detail": "this endpoint needs an API key: send Authorization: Bearer <key>",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found */
            404: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/not-found",
                     *       "title": "Not Found",
                     *       "status": 404,
                     *       "detail": "no batch with id 209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "instance": "/v1/batches/209aa845-b2b6-45ab-9fb0-0784b0011911",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Queue full or rate limited: retry after the Retry-After seconds */
            429: {
                headers: {
                    "x-request-id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "type": "https://clientflow.dev/problems/queue-full",
                     *       "title": "Too Many Requests",
                     *       "status": 429,
                     *       "detail": "the queue holds 99990 workflows; accepting this batch would pass the limit of 100000; nothing was accepted",
                     *       "instance": "/v1/batches",
                     *       "requestId": "0b6a3f4e-2f1c-4c8e-9a51-6f1d2c3b4a59"
                     *     }
                     */
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
