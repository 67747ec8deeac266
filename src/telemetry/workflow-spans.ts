/**
 * The spans of the work a batch causes, made by the runner and the webhook deliverer:
 *
 *   trace of the POST (the caller's when it sent a `traceparent`)
 *     POST /v1/batches          the request (@fastify/otel); its context is stored with the batch
 *     webhook                   one per delivery attempt, a child of that request's span
 *   trace of one workflow (its id: trace-ids.ts), one per workflow
 *     workflow                  one run of it in one engine, linked to the POST's request span
 *       stage fetch             one per attempt; the CRM's `traceparent` names this span
 *       stage process, stage store, …
 *
 * A workflow run again (after a retry's backoff, a restart, on another replica) adds a second
 * `workflow` span to the same trace. Attributes: clientflow.batch.id, .workflow.id, .client.id,
 * .stage, .attempt and .outcome (what the attempt or run came to).
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Tracing } from './tracing.js';
import { spanContextOf, workflowTraceId } from './trace-ids.js';
import { traceparentOf } from './traceparent.js';

export const ATTR = {
  batch: 'clientflow.batch.id',
  workflow: 'clientflow.workflow.id',
  client: 'clientflow.client.id',
  stage: 'clientflow.stage',
  attempt: 'clientflow.attempt',
  outcome: 'clientflow.outcome',
} as const;

/** What a log line of the work carries to find its span. */
export interface TraceFields {
  traceId: string;
  spanId: string;
}

export interface TracedWorkflow {
  id: string;
  batchId: string;
  clientId: string | number;
  /** The batch's stored `traceparent` (the POST's request span); absent or null: no link. */
  traceContext?: string | null;
}

/** One stage attempt's span, as the stage and its log lines see it. */
export interface AttemptTrace {
  /** Sent to the CRM: its work is this attempt's child. */
  traceparent: string;
  fields: TraceFields;
}

interface Failure {
  code: string;
  message: string;
}

const fieldsOf = (span: Span): TraceFields => {
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
};

/** Ends `span` with `outcome`; a failure marks it an error. */
function finish(span: Span, outcome: string, error: Failure | null = null): void {
  span.setAttribute(ATTR.outcome, outcome);
  if (error) {
    span.setAttribute('error.type', error.code);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }
  span.end();
}

export class WorkflowSpans {
  readonly #tracing: Pick<Tracing, 'tracer' | 'ids'>;

  constructor(tracing: Pick<Tracing, 'tracer' | 'ids'>) {
    this.#tracing = tracing;
  }

  /** Starts the span of one run of `wf` in this engine. */
  run(wf: TracedWorkflow): WorkflowRun {
    const { tracer, ids } = this.#tracing;
    const post = spanContextOf(wf.traceContext);
    const span = ids.startRoot(workflowTraceId(wf.id), () => tracer.startSpan('workflow', {
      root: true,
      links: post ? [{ context: post }] : [],
      attributes: { [ATTR.batch]: wf.batchId, [ATTR.workflow]: wf.id, [ATTR.client]: wf.clientId },
    }));
    return new WorkflowRun(tracer, span, wf);
  }

  /** Starts the span of one webhook delivery attempt, in the trace of the POST that created the batch. */
  webhook(claim: { batchId: string; attempt: number; traceContext: string | null }): WebhookTrace {
    const post = spanContextOf(claim.traceContext);
    const span = this.#tracing.tracer.startSpan('webhook', {
      kind: SpanKind.CLIENT,
      attributes: { [ATTR.batch]: claim.batchId, [ATTR.attempt]: claim.attempt },
    }, post ? trace.setSpanContext(ROOT_CONTEXT, post) : ROOT_CONTEXT);
    return {
      traceparent: traceparentOf(span.spanContext()),
      fields: fieldsOf(span),
      end: (outcome) => finish(span, outcome, outcome === 'delivered' ? null : { code: outcome, message: `webhook ${outcome}` }),
    };
  }
}

export interface WebhookTrace extends AttemptTrace {
  end(outcome: string): void;
}

export class WorkflowRun {
  /** The run span's ids: the engine's event log lines of this workflow carry them. */
  readonly fields: TraceFields;
  readonly #tracer: Pick<Tracing, 'tracer'>['tracer'];
  readonly #span: Span;
  readonly #wf: TracedWorkflow;
  #attempt: Span | null = null;
  /** How the last attempt ended. */
  #last: string | null = null;

  constructor(tracer: Pick<Tracing, 'tracer'>['tracer'], span: Span, wf: TracedWorkflow) {
    this.#tracer = tracer;
    this.#span = span;
    this.#wf = wf;
    this.fields = fieldsOf(span);
  }

  /** Starts the span of an attempt of `stage`, a child of the run's. */
  attempt(stage: string, attempt: number): AttemptTrace {
    if (this.#attempt) finish(this.#attempt, 'abandoned');
    const span = this.#tracer.startSpan(`stage ${stage}`, {
      attributes: {
        [ATTR.batch]: this.#wf.batchId, [ATTR.workflow]: this.#wf.id, [ATTR.client]: this.#wf.clientId, [ATTR.stage]: stage, [ATTR.attempt]: attempt,
      },
    }, trace.setSpan(ROOT_CONTEXT, this.#span));
    this.#attempt = span;
    return { traceparent: traceparentOf(span.spanContext()), fields: fieldsOf(span) };
  }

  /** The attempt's outcome is committed (`succeeded`, `failed`, `retrying`, `canceled`, `interrupted`): its span ends. */
  settle(outcome: string, error: Failure | null = null): void {
    if (!this.#attempt) return;
    finish(this.#attempt, outcome, outcome === 'failed' || outcome === 'retrying' ? error : null);
    this.#attempt = null;
    this.#last = outcome;
  }

  /**
   * The run is over with the workflow `status`: its outcome is that status once finished, else what
   * paused it (`retrying`, `interrupted`), else `stopped` (the engine drained between stages).
   */
  end(status: string): void {
    const finished = status === 'succeeded' || status === 'failed' || status === 'canceled';
    const outcome = finished ? status : this.#last === 'retrying' || this.#last === 'interrupted' ? this.#last : 'stopped';
    this.#close(outcome, status === 'failed' ? { code: 'failed', message: 'the workflow failed' } : null);
  }

  /** The run ended by an error (`lease-lost`: another claim holds it; `error`: a write failed). */
  fail(outcome: 'lease-lost' | 'error'): void {
    this.#close(outcome, { code: outcome, message: outcome === 'error' ? 'a write of the run failed' : 'the lease was lost' });
  }

  #close(outcome: string, error: Failure | null): void {
    if (this.#attempt) finish(this.#attempt, outcome, error);
    this.#attempt = null;
    finish(this.#span, outcome, error);
  }
}
