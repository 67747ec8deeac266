/**
 * The pure parts of tracing (src/telemetry/): a workflow's trace id, the id generator that gives
 * it to the workflow's root span only, stored traceparents read back, and the OTEL_* key=value form.
 */
import { describe, expect, it } from 'vitest';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { loadConfig, tracingOptions } from '../src/config.js';
import { timeOrderedId } from '../src/store/ids.js';
import { parseKeyValues } from '../src/telemetry/options.js';
import { FixedTraceIds, spanContextOf, workflowTraceId } from '../src/telemetry/trace-ids.js';
import { traceparentOf } from '../src/telemetry/traceparent.js';

describe('telemetry', () => {
  it('a workflow\'s trace id is its UUID\'s hex, or a stable hash of any other id', () => {
    const id = timeOrderedId(Date.now());
    expect(workflowTraceId(id)).toBe(id.replaceAll('-', ''));
    expect(workflowTraceId('not-a-uuid')).toMatch(/^[0-9a-f]{32}$/);
    expect(workflowTraceId('not-a-uuid')).toBe(workflowTraceId('not-a-uuid'));
    expect(workflowTraceId('00000000-0000-0000-0000-000000000000')).not.toBe('0'.repeat(32));
  });

  it('FixedTraceIds gives the fixed id to the one root span started with it, random ids to every other', () => {
    const ids = new FixedTraceIds();
    const tracer = new BasicTracerProvider({ idGenerator: ids }).getTracer('t');
    const fixed = 'ab'.repeat(16);
    const root = ids.startRoot(fixed, () => tracer.startSpan('root', { root: true }));
    const next = tracer.startSpan('next', { root: true });
    expect(root.spanContext().traceId).toBe(fixed);
    expect(next.spanContext().traceId).not.toBe(fixed);
    // A child takes its parent's trace, and the fixed id it did not use is not left for the next root.
    const parent = tracer.startSpan('parent', { root: true });
    const child = ids.startRoot(fixed, () => tracer.startSpan('child', {}, trace.setSpan(ROOT_CONTEXT, parent)));
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(tracer.startSpan('after', { root: true }).spanContext().traceId).not.toBe(fixed);
  });

  it('a stored traceparent reads back as the span context it was written from; anything else as none', () => {
    const context = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    expect(traceparentOf(context)).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(spanContextOf(traceparentOf(context))).toMatchObject({ ...context, isRemote: true });
    for (const bad of [null, undefined, '', 'garbage', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01']) {
      expect(spanContextOf(bad)).toBeUndefined();
    }
  });

  it('reads OTEL_* key=value lists, values percent-decoded, and names a bad entry by position only', () => {
    expect(parseKeyValues(' a=1 , b=x%20y,, c= ')).toEqual({ a: '1', b: 'x y', c: '' });
    expect(parseKeyValues('authorization=Bearer%20s3cret', true)).toEqual({ authorization: 'Bearer s3cret' });
    expect(() => parseKeyValues('a=1,s3cret')).toThrow('entry 2 is not key=value');
    expect(() => parseKeyValues('bad name=1', true)).toThrow('entry 1: the key is not an HTTP header name');
    expect(() => parseKeyValues('x=%0d%0aevil: 1', true)).toThrow('entry 1: the value holds a control character');
    expect(() => parseKeyValues('x=%zz')).toThrow('entry 1: the value is not valid percent-encoding');
  });

  it('is off unless an endpoint is set, and off again with OTEL_TRACES_EXPORTER=none or OTEL_SDK_DISABLED=true', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318/' };
    expect(tracingOptions(loadConfig({}))).toBeNull();
    expect(tracingOptions(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }))).toBeNull();
    expect(tracingOptions(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }))).toBeNull();
    expect(tracingOptions(loadConfig(endpoint))).toEqual({
      url: 'http://jaeger:4318/v1/traces', protocol: 'http/protobuf', headers: {}, resource: { 'service.name': 'clientflow' },
      sampler: 'parentbased_always_on', samplerArg: 1,
    });
    // The traces endpoint is used as it is; OTEL_SERVICE_NAME wins over service.name in the attributes.
    expect(tracingOptions(loadConfig({
      ...endpoint, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://tempo/otlp/traces', OTEL_RESOURCE_ATTRIBUTES: 'service.name=a,env=prod',
    }))).toMatchObject({ url: 'https://tempo/otlp/traces', resource: { 'service.name': 'a', env: 'prod' } });
    expect(tracingOptions(loadConfig({ ...endpoint, OTEL_SERVICE_NAME: 'b', OTEL_RESOURCE_ATTRIBUTES: 'service.name=a' }))?.resource)
      .toEqual({ 'service.name': 'b' });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_PROTOCOL', 'grpc', /OTEL_EXPORTER_OTLP_PROTOCOL="grpc": expected one of http\/protobuf, http\/json/],
    ['OTEL_EXPORTER_OTLP_ENDPOINT', 'jaeger:4318', /OTEL_EXPORTER_OTLP_ENDPOINT="jaeger:4318": expected an http:\/\/ or https:\/\/ URL/],
    ['OTEL_TRACES_SAMPLER', 'sometimes', /OTEL_TRACES_SAMPLER="sometimes": expected one of parentbased_always_on/],
    ['OTEL_TRACES_SAMPLER_ARG', '1.5', /OTEL_TRACES_SAMPLER_ARG="1.5": expected a number from 0 to 1/],
    ['OTEL_RESOURCE_ATTRIBUTES', 'novalue', /OTEL_RESOURCE_ATTRIBUTES="novalue": entry 1 is not key=value/],
  ])('refuses %s=%s in one line naming it', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('never prints OTEL_EXPORTER_OTLP_HEADERS, which may hold a token', () => {
    for (const bad of ['s3cret-token', 'authorization=Bearer s3cret%zz']) {
      let message = '';
      try {
        loadConfig({ OTEL_EXPORTER_OTLP_HEADERS: bad });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^invalid OTEL_EXPORTER_OTLP_HEADERS=\(hidden\): entry 1/);
      expect(message).not.toContain('s3cret');
    }
  });
});
