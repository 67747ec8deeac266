/**
 * A generated request is a plain value (printable, shrinkable, replayable); `resolve` turns it
 * into what `app.inject` sends, filling in real ids, event ids, cursors and Idempotency-Keys from
 * the run's pools at the moment it is sent.
 */
import type { InjectOptions } from 'fastify';
import { principalHeaders, type Principal } from './principal.js';
import type { Pools } from './pools.js';
import { identityOf, MARKER_RE, markerOf, SUITE_TENANTS, type Identity, type Tenancy } from './tenants.js';
import { encode } from './text.js';

/** How a real id is bent before it is sent. */
export type Mangle = 'none' | 'upper' | 'truncate' | 'suffix' | 'encoded-slash' | 'double';

export type IdSpec =
  | { kind: 'batch' | 'workflow'; pick: number; mangle: Mangle }
  /**
   * An API key id: one an admin created during the run, the revoked key's, or (`live`) one of the
   * keys the suite acts with — sent as the revoked key's when the sender is an admin, whose
   * DELETE would revoke it.
   */
  | { kind: 'api-key'; pick: number; live: boolean }
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
  /** Who the service must take the sender for. */
  identity: Identity;
  /** The batch or workflow the path names, when it is a real id sent as is. */
  target?: { kind: 'batch' | 'workflow'; id: string };
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

/** Length as the schema counts it (code points). */
const chars = (text: string): number => [...text].length;

/** `text` with `marker` in front (or in place of another tenant's), when the result still fits `max`; else as it is. */
function markText(text: string, marker: string, max: number): string {
  MARKER_RE.lastIndex = 0;
  if (MARKER_RE.test(text)) return text.replace(MARKER_RE, marker);
  return text.length > 0 && chars(text) + chars(marker) <= max ? `${marker}${text}` : text;
}

/**
 * A batch body as `tenant` sends it: its marker in the label (added when there is none) and in
 * every other string client id, where it fits; every other id is left as generated, so edge
 * cases (look-alike ids, the longest id, the longest label) stay as they are. A body that was
 * valid stays valid, an invalid one stays invalid for the same reason.
 */
function marked(value: unknown, tenant: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const marker = markerOf(tenant);
  const body = { ...(value as Record<string, unknown>) };
  if (!('label' in body)) body.label = marker;
  else if (typeof body.label === 'string') body.label = markText(body.label, marker, 200);
  if (Array.isArray(body.clientIds)) {
    body.clientIds = body.clientIds.map((id: unknown, i) => (typeof id === 'string' && i % 2 === 0 ? markText(id, marker, 128) : id));
  }
  return body;
}

/** The path segment an IdSpec stands for, and the real batch or workflow it names as is. */
async function segmentOf(spec: IdSpec, pools: Pools, identity: Identity, tenancy: Tenancy): Promise<{ segment: string; id?: string; target?: Resolved['target'] }> {
  if (spec.kind === 'literal') return { segment: spec.segment };
  if (spec.kind === 'api-key') {
    const admin = identity !== 'refused' && identity.admin;
    if (spec.live && !admin) {
      const live = [tenancy.keyIds.alpha, tenancy.keyIds.bravo, tenancy.keyIds.admin, tenancy.keyIds.slow];
      return { segment: live[spec.pick % live.length]! };
    }
    const ids = [tenancy.keyIds.revoked, ...pools.apiKeyIds];
    return { segment: ids[spec.pick % ids.length]! };
  }
  const id = await realId(spec, pools);
  return { segment: mangleId(id, spec.mangle), id, ...(spec.mangle === 'none' && id !== NO_BATCH ? { target: { kind: spec.kind, id } } : {}) };
}

export async function resolve(spec: RequestSpec, pools: Pools, tenancy: Tenancy): Promise<Resolved> {
  const identity = identityOf(spec.principal, tenancy);
  let path = spec.path;
  let batchId: string | null = null;
  let target: Resolved['target'];
  if (spec.id) {
    const resolved = await segmentOf(spec.id, pools, identity, tenancy);
    let segment = resolved.segment;
    target = resolved.target;
    if (spec.id.kind === 'batch') batchId = resolved.id ?? null;
    // An admin changing the quotas of the suite's own tenants would change what the run expects of them.
    if (spec.method === 'PUT' && spec.path === '/v1/tenants/{id}' && SUITE_TENANTS.has(segment) && identity !== 'refused' && identity.admin) {
      segment = 'scratch';
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

  const headers: Record<string, string> = { ...principalHeaders(spec.principal, tenancy.ring) };
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
    identity,
    ...(target ? { target } : {}),
    stream: spec.path.endsWith('/events') && (spec.method === 'GET' || spec.method === 'HEAD'),
  };
  // Batches carry their tenant's marker; a body sent by nobody the service accepts is left as generated.
  const mark = spec.method === 'POST' && spec.path === '/v1/batches' && identity !== 'refused'
    ? (value: unknown) => marked(value, identity.tenant)
    : (value: unknown) => value;
  const body = spec.body;
  if (body) {
    if (body.kind === 'replay') {
      const earlier = pools.keys.length === 0 ? null : pools.keys[body.pick % pools.keys.length]!;
      // A key another tenant used comes with that tenant's body, marked as the sender's own.
      const value = mark(earlier && body.same ? earlier.body : body.value);
      if (earlier) headers['idempotency-key'] = earlier.key;
      resolved.json = value;
      resolved.options.payload = JSON.stringify(value);
      headers['content-type'] = 'application/json';
    } else if (body.kind === 'json') {
      resolved.json = mark(body.value);
      resolved.options.payload = JSON.stringify(resolved.json);
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
