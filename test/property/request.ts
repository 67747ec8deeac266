/**
 * A generated request is a plain value (printable, shrinkable, replayable); `resolve` turns it
 * into what `app.inject` sends, filling in real ids, event ids, cursors and Idempotency-Keys from
 * the run's pools at the moment it is sent.
 */
import type { InjectOptions } from 'fastify';
import { principalHeaders, type Principal } from './principal.js';
import type { Pools } from './pools.js';
import { encode } from './text.js';

/** How a real id is bent before it is sent. */
export type Mangle = 'none' | 'upper' | 'truncate' | 'suffix' | 'encoded-slash' | 'double';

export type IdSpec =
  | { kind: 'batch' | 'workflow'; pick: number; mangle: Mangle }
  /** Sent as is: already a path segment (percent-encoded where it needs to be). */
  | { kind: 'literal'; segment: string };

export type QueryValue =
  | { kind: 'text'; text: string }
  /** Put into the URL unencoded: malformed percent-escapes, raw `&`, `=`… */
  | { kind: 'raw'; text: string }
  | { kind: 'cursor'; pick: number; mangle: 'none' | 'truncate' | 'flip' };

export type HeaderValueSpec =
  | { kind: 'text'; text: string }
  /** An event id of this request's batch, or of another batch. */
  | { kind: 'event-id'; of: 'own' | 'other'; pick: number };

export type BodySpec =
  /** `valid`: built to be accepted (the suite asserts a 2xx). */
  | { kind: 'json'; value: unknown; contentType?: string; valid?: boolean }
  | { kind: 'text'; text: string; contentType?: string }
  | { kind: 'bytes'; bytes: Uint8Array; contentType?: string }
  /** `size` times `fill`: a body past a limit, short to print. */
  | { kind: 'filler'; size: number; fill: string; contentType?: string }
  /** A key accepted earlier, with the body it was accepted with (a replay: 200) or with `value` (422 unless equal). */
  | { kind: 'replay'; pick: number; same: boolean; value: unknown };

export interface RequestSpec {
  /** The route family, for the tally printed at the end. */
  op: string;
  method: string;
  /** A path with at most one `{id}`. */
  path: string;
  id?: IdSpec;
  query: Array<[string, QueryValue]>;
  headers: Array<[string, HeaderValueSpec]>;
  body?: BodySpec;
  principal: Principal;
}

export interface Resolved {
  options: InjectOptions & { url: string; method: string };
  /** The body as sent, when it was JSON (for the accepted-batch bookkeeping). */
  json?: unknown;
  idempotencyKey?: string;
  /** SSE: read the head of the stream, then leave. */
  stream: boolean;
}

const NO_BATCH = '00000000-0000-4000-8000-000000000000';

function mangleId(id: string, mangle: Mangle): string {
  switch (mangle) {
    case 'none': return id;
    case 'upper': return id.toUpperCase();
    case 'truncate': return id.slice(0, -1);
    case 'suffix': return `${id}x`;
    case 'encoded-slash': return `${id}%2F..%2Fhealthz`;
    case 'double': return `${id}${id}`;
  }
}

async function realId(spec: Extract<IdSpec, { kind: 'batch' | 'workflow' }>, pools: Pools): Promise<string> {
  const id = spec.kind === 'batch' ? pools.batchId(spec.pick) : await pools.workflowId(spec.pick);
  return id ?? NO_BATCH;
}

export async function resolve(spec: RequestSpec, pools: Pools): Promise<Resolved> {
  let path = spec.path;
  let batchId: string | null = null;
  if (spec.id) {
    let segment: string;
    if (spec.id.kind === 'literal') segment = spec.id.segment;
    else {
      const id = await realId(spec.id, pools);
      if (spec.id.kind === 'batch') batchId = id;
      segment = mangleId(id, spec.id.mangle);
    }
    path = path.replace('{id}', segment);
  }

  // `?wait=N` on a batch that is still running holds the answer up to N seconds: the run sends
  // its requests one after another, so on an unfinished batch any wait is sent as 0.
  const holds = batchId !== null && spec.query.some(([name]) => name === 'wait') && !(await pools.finished(batchId));
  const pairs: string[] = [];
  for (const [name, value] of spec.query) {
    let text: string;
    if (value.kind === 'cursor') {
      const real = pools.cursors.length === 0 ? 'czE' : pools.cursors[value.pick % pools.cursors.length]!;
      text = encode(value.mangle === 'none' ? real : value.mangle === 'truncate' ? real.slice(0, -1) : real.split('').reverse().join(''));
    } else if (value.kind === 'raw') text = value.text;
    else text = encode(value.text);
    if (name === 'wait' && holds && Number(decodeURIComponentSafe(text)) > 0) text = '0';
    pairs.push(`${encode(name)}=${text}`);
  }
  const url = pairs.length === 0 ? path : `${path}?${pairs.join('&')}`;

  const headers: Record<string, string> = { ...principalHeaders(spec.principal) };
  for (const [name, value] of spec.headers) {
    if (value.kind === 'text') headers[name] = value.text;
    else {
      const of = value.of === 'own' ? batchId : pools.batchId(value.pick + 1);
      const eventId = of ? await pools.eventId(of, value.pick) : null;
      headers[name] = String(eventId ?? value.pick);
    }
  }

  const resolved: Resolved = {
    options: { method: spec.method, url, headers },
    stream: spec.path.endsWith('/events') && (spec.method === 'GET' || spec.method === 'HEAD'),
  };
  const body = spec.body;
  if (body) {
    if (body.kind === 'replay') {
      const earlier = pools.keys.length === 0 ? null : pools.keys[body.pick % pools.keys.length]!;
      const value = earlier && body.same ? earlier.body : body.value;
      if (earlier) headers['idempotency-key'] = earlier.key;
      resolved.json = value;
      resolved.options.payload = JSON.stringify(value);
      headers['content-type'] = 'application/json';
    } else if (body.kind === 'json') {
      resolved.json = body.value;
      resolved.options.payload = JSON.stringify(body.value);
      headers['content-type'] = body.contentType ?? 'application/json';
    } else if (body.kind === 'filler') {
      resolved.options.payload = body.fill.repeat(body.size);
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
    } else {
      resolved.options.payload = body.kind === 'text' ? body.text : Buffer.from(body.bytes);
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      // Raw text the service may still accept as JSON: keep what it parses to.
      try {
        // (A leading BOM is dropped, as the service's parser does.)
        resolved.json = JSON.parse((body.kind === 'text' ? body.text : Buffer.from(body.bytes).toString()).replace(/^\ufeff/, '')) as unknown;
      } catch {
        // not JSON: the service must refuse it
      }
    }
  }
  resolved.idempotencyKey = headers['idempotency-key'];
  return resolved;
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
