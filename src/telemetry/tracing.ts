/**
 * The OpenTelemetry SDK for traces, started by service.ts only when an OTLP endpoint is
 * configured (off by default: then none of this is loaded into the work). The tracer provider is
 * this service's own, not the API's global one, so a process may hold several services (the
 * tests do); spans go out in batches over OTLP/HTTP, protobuf or JSON. The one global it sets is
 * the W3C propagator, which @fastify/otel reads a request's `traceparent` with.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { propagation, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler, AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler,
  type Sampler, type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import type { SamplerName, TracingOptions } from './options.js';
import { FixedTraceIds } from './trace-ids.js';

export interface Tracing {
  /** What @fastify/otel is given instead of the global provider. */
  readonly provider: TracerProvider;
  readonly tracer: Tracer;
  /** Gives a workflow's root span its workflow's trace id (trace-ids.ts). */
  readonly ids: FixedTraceIds;
  /** Exports every span ended so far. */
  flush(): Promise<void>;
  /** Exports what is left, then stops; idempotent. */
  shutdown(): Promise<void>;
}

const ERROR_EVERY_MS = 60_000;

export function startTracing(o: TracingOptions): Tracing {
  const ids = new FixedTraceIds();
  const exporter = o.protocol === 'http/json'
    ? new JsonExporter({ url: o.url, headers: o.headers })
    : new ProtobufExporter({ url: o.url, headers: o.headers });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.instance.id': randomUUID(), 'host.name': hostname(), ...o.resource }),
    sampler: samplerOf(o.sampler, o.samplerArg),
    idGenerator: ids,
    spanProcessors: [new BatchSpanProcessor(reporting(exporter, o.onExportError))],
  });
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  let stopping: Promise<void> | null = null;
  return {
    provider,
    tracer: provider.getTracer('clientflow'),
    ids,
    flush: () => provider.forceFlush(),
    shutdown: () => (stopping ??= provider.shutdown()),
  };
}

function samplerOf(name: SamplerName, ratio: number): Sampler {
  switch (name) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_on': return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

/** The exporter, telling `onError` of a failed export at most once a minute (the SDK itself says nothing). */
function reporting(exporter: SpanExporter, onError: ((error: Error) => void) | undefined): SpanExporter {
  if (!onError) return exporter;
  let toldAt = -Infinity;
  return {
    export: (spans, done) => exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.FAILED && Date.now() - toldAt >= ERROR_EVERY_MS) {
        toldAt = Date.now();
        onError(result.error ?? new Error('export failed'));
      }
      done(result);
    }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}
