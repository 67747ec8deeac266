/**
 * Trace ids of workflows, and the W3C `traceparent` text a batch stores.
 *
 * Each workflow is a trace of its own whose id is the workflow's id (a UUIDv7 is 128 bits, as a
 * trace id is; any other id is hashed to 128 bits): every run of the workflow — after a retry's
 * backoff, after a restart, on another replica — starts its spans in that same trace without
 * storing anything per workflow, and an operator finds a workflow's trace by its id. The SDK
 * draws a root span's trace id from its IdGenerator, so `FixedTraceIds` hands it the workflow's
 * for the one span that asks for it (`startRoot`), and random ids otherwise.
 */
import { createHash } from 'node:crypto';
import { ROOT_CONTEXT, trace, type Span, type SpanContext } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { RandomIdGenerator, type IdGenerator } from '@opentelemetry/sdk-trace-base';

const HEX32 = /^[0-9a-f]{32}$/;
const ZERO = '0'.repeat(32);

/** The trace id of a workflow's spans: its id's hex digits, or a hash of the id when it has not 32 of them. */
export function workflowTraceId(workflowId: string): string {
  const hex = workflowId.replaceAll('-', '').toLowerCase();
  if (HEX32.test(hex) && hex !== ZERO) return hex;
  return createHash('sha256').update(workflowId).digest('hex').slice(0, 32);
}

export class FixedTraceIds implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  #next: string | null = null;

  generateTraceId(): string {
    const fixed = this.#next;
    this.#next = null;
    return fixed ?? this.#random.generateTraceId();
  }

  generateSpanId(): string {
    return this.#random.generateSpanId();
  }

  /**
   * Runs `start` (which must start one root span, synchronously) with `traceId` as the id the SDK
   * draws for it. Synchronous, so no other span can take the id meanwhile.
   */
  startRoot(traceId: string, start: () => Span): Span {
    this.#next = traceId;
    try {
      return start();
    } finally {
      this.#next = null;
    }
  }
}

const propagator = new W3CTraceContextPropagator();

/** The span context a stored `traceparent` names, checked as the W3C propagator checks a header; undefined when it is not one. */
export function spanContextOf(traceparent: string | null | undefined): SpanContext | undefined {
  if (!traceparent) return undefined;
  const context = propagator.extract(ROOT_CONTEXT, { traceparent }, {
    get: (carrier: Record<string, string>, key) => carrier[key],
    keys: (carrier: Record<string, string>) => Object.keys(carrier),
  });
  const span = trace.getSpanContext(context);
  return span && trace.isSpanContextValid(span) ? span : undefined;
}
