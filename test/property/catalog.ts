/**
 * Every route the service serves, each as a generator of requests: the documented operations
 * (the OpenAPI file), the docs and dashboard routes, and paths and methods it does not serve.
 * A new route gets a line in ROUTES; a new request dimension (a principal, a header) gets a
 * generator here and a field in RequestSpec.
 */
import fc from 'fast-check';
import { BATCH_STATUSES, STAGES, WORKFLOW_STATUSES } from '../../src/model/statuses.js';
import { actionBody, badTenantName, batchBody, limitBody, newKeyBody, quotasBody, strayBody, tenantName } from './bodies.js';
import { principalArb } from './principal.js';
import type { BodySpec, HeaderValueSpec, IdSpec, Mangle, QueryValue, RequestSpec } from './request.js';
import { encode, nastyString, oddHeaderValue } from './text.js';

const text = (t: string): QueryValue => ({ kind: 'text', text: t });

/** `arb` one time in `1 + rest`, else null: optional headers are mostly absent. */
const sometimes = <T>(arb: fc.Arbitrary<T>, rest: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: rest, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

// --- ids ---------------------------------------------------------------------------------------

const mangle: fc.Arbitrary<Mangle> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Mangle>('none') },
  { weight: 1, arbitrary: fc.constantFrom<Mangle>('upper', 'truncate', 'suffix', 'encoded-slash', 'double') },
);

/** Path segments that are not ids of anything: random, malformed, encoded, very long. */
const literalId: fc.Arbitrary<IdSpec> = fc.oneof(
  fc.uuid(),
  fc.constantFrom(
    '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000000040008000000000000000',
    '{00000000-0000-4000-8000-000000000000}', 'abc', '1', '-1', '0', 'null', 'undefined', '%2F', 'a%2Fb', '%2F..%2F..%2Fetc%2Fpasswd',
    '..', '%2e%2e', '.', '%00', '%zz', '%', '%E0%A4%A', '%F0%9F%99%82', '%C0%AE', 'batch%3Fwait%3D60', '%20', '+', ';', '*', '~',
  ),
  nastyString(30).filter((s) => s.length > 0).map((s) => encode(s)),
  fc.integer({ min: 37, max: 20_000 }).map((n) => 'a'.repeat(n)),
  fc.uuid().map((u) => `${u}${'0'.repeat(5000)}`),
).map((segment): IdSpec => ({ kind: 'literal', segment }));

const idOf = (kind: 'batch' | 'workflow'): fc.Arbitrary<IdSpec> => fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant(kind), pick: fc.nat(), mangle }) },
  // The other kind's ids: a workflow id where a batch id belongs, and the reverse.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant(kind === 'batch' ? 'workflow' as const : 'batch' as const), pick: fc.nat(), mangle }) },
  { weight: 2, arbitrary: literalId },
);

// --- query strings -----------------------------------------------------------------------------

/** Values no parameter takes: empty, odd numbers, other types, hostile text, raw broken escapes. */
const junkValue: fc.Arbitrary<QueryValue> = fc.oneof(
  fc.constantFrom('', ' ', 'true', 'null', 'NaN', 'Infinity', '-0', '1e3', '0x10', '1.5', '99999999999999999999', '-1', '[]', '{}').map(text),
  nastyString(20).map(text),
  fc.constantFrom('%', '%zz', '%E0%A4%A', '%00', 'a&b', 'a=b=c', '%26limit%3D5', '+', '%2B1', '#frag').map((t): QueryValue => ({ kind: 'raw', text: t })),
  fc.integer({ min: 100, max: 5_000 }).map((n) => text('9'.repeat(n))),
);

const cursor: fc.Arbitrary<QueryValue> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('cursor' as const), pick: fc.nat(), mangle: fc.constantFrom('none' as const, 'truncate' as const, 'flip' as const) }) },
  // Forged: well-formed base64url of what a cursor holds, or of anything else.
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.oneof(fc.bigInt({ min: -1n, max: 10n ** 18n }).map((n) => `s${n}`), fc.constantFrom('s0', 's', 's01', 's1.5', 's 1', 'S1', 's1\n', 'x1'), nastyString(20))
        .map((t) => text(Buffer.from(t).toString('base64url'))),
      fc.constantFrom('czE', 'czE=', 'czE==', 'c zE', 'cz-_', '====', 'A'.repeat(64), 'A'.repeat(65)).map(text),
    ),
  },
  { weight: 1, arbitrary: junkValue },
);

const limit: fc.Arbitrary<QueryValue> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 20 }).map((n) => text(String(n))) },
  { weight: 1, arbitrary: fc.constantFrom('1', '1000', '500', '0', '1001', '-1').map(text) },
  { weight: 2, arbitrary: junkValue },
);

const statusOf = (statuses: readonly string[]): fc.Arbitrary<QueryValue> => fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...statuses).map(text) },
  { weight: 1, arbitrary: fc.constantFrom('QUEUED', 'all', 'done', 'pending', 'queued,running').map(text) },
  { weight: 1, arbitrary: junkValue },
);

/** Documented parameters with valid and invalid values, sometimes repeated, plus unknown ones. */
function queryOf(params: Record<string, fc.Arbitrary<QueryValue>>): fc.Arbitrary<Array<[string, QueryValue]>> {
  const names = Object.keys(params);
  const known = names.length === 0
    ? fc.constant<Array<[string, QueryValue]>>([])
    : fc.subarray(names).chain((chosen) => fc.tuple(...chosen.map((name) => params[name]!.map((v): [string, QueryValue] => [name, v]))));
  const repeated = names.length === 0
    ? fc.constant<Array<[string, QueryValue]>>([])
    : fc.array(fc.constantFrom(...names).chain((name) => params[name]!.map((v): [string, QueryValue] => [name, v])), { maxLength: 2 });
  const unknown = fc.array(fc.tuple(fc.oneof(fc.constantFrom('foo', 'LIMIT', 'limit[]', 'status[0]', '__proto__', 'constructor', ''), nastyString(10)), junkValue), { maxLength: 2 });
  return fc.tuple(
    known,
    fc.oneof({ weight: 5, arbitrary: fc.constant<Array<[string, QueryValue]>>([]) }, { weight: 1, arbitrary: repeated }),
    fc.oneof({ weight: 5, arbitrary: fc.constant<Array<[string, QueryValue]>>([]) }, { weight: 1, arbitrary: unknown }),
  ).map(([a, b, c]) => [...a, ...b, ...c]);
}

// --- headers -----------------------------------------------------------------------------------

const ACCEPT = [
  'application/json', 'application/problem+json', 'text/event-stream', 'text/html', 'application/xml', '*/*', 'image/svg+xml',
  'text/plain;q=0.1, application/json;q=0.9', 'application/json;q=0', 'garbage', '',
];

/** Headers any request may carry. */
const commonHeaders: fc.Arbitrary<Array<[string, HeaderValueSpec]>> = fc.tuple(
  sometimes(fc.oneof(fc.constantFrom(...ACCEPT), oddHeaderValue), 3),
  sometimes(oddHeaderValue, 5),
).map(([accept, requestId]) => [
  ...(accept === null ? [] : [['accept', { kind: 'text', text: accept }] as [string, HeaderValueSpec]]),
  ...(requestId === null ? [] : [['x-request-id', { kind: 'text', text: requestId }] as [string, HeaderValueSpec]]),
]);

const idempotencyKey: fc.Arbitrary<HeaderValueSpec | null> = sometimes(fc.oneof(
  { weight: 4, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'x'.repeat(255), 'x'.repeat(256), 'k'.repeat(5000)) },
  { weight: 1, arbitrary: oddHeaderValue },
).map((t): HeaderValueSpec => ({ kind: 'text', text: t })), 1);

const lastEventId: fc.Arbitrary<HeaderValueSpec | null> = sometimes(fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('event-id' as const), of: fc.constantFrom('own' as const, 'other' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom('', '0', '1', '-1', '999999999999999', '9999999999999999', '1.5', '1e3', 'abc', ' 1', '01', '0x1', '1'.repeat(400)),
      fc.nat().map(String),
      oddHeaderValue,
    ).map((t): HeaderValueSpec => ({ kind: 'text', text: t })),
  },
), 1);

// --- routes ------------------------------------------------------------------------------------

interface Parts {
  method: fc.Arbitrary<string>;
  path: string;
  id?: fc.Arbitrary<IdSpec>;
  query?: fc.Arbitrary<Array<[string, QueryValue]>>;
  headers?: fc.Arbitrary<Array<[string, HeaderValueSpec]>>;
  body?: fc.Arbitrary<BodySpec | undefined>;
}

function route(op: string, parts: Parts): fc.Arbitrary<RequestSpec> {
  return fc.record({
    method: parts.method,
    id: parts.id ?? fc.constant(undefined),
    query: parts.query ?? fc.constant<Array<[string, QueryValue]>>([]),
    extra: parts.headers ?? fc.constant<Array<[string, HeaderValueSpec]>>([]),
    common: commonHeaders,
    body: parts.body ?? strayBody,
    principal: principalArb,
  }).map(({ method, id, query, extra, common, body, principal }): RequestSpec => ({
    op, method, path: parts.path, query, headers: [...common, ...extra], principal,
    ...(id ? { id } : {}), ...(body ? { body } : {}),
  }));
}

/** GET, with now and then HEAD (Fastify answers HEAD for every GET route). */
const get = fc.oneof({ weight: 12, arbitrary: fc.constant('GET') }, { weight: 1, arbitrary: fc.constant('HEAD') });
const post = fc.constant('POST');
const listParams = (statuses: readonly string[]) => queryOf({ status: statusOf(statuses), limit, cursor });

/** A tenant id as a query value or path segment: the run's own and others, then ones the pattern refuses. */
const tenantValue: fc.Arbitrary<QueryValue> = fc.oneof(
  { weight: 4, arbitrary: tenantName.map(text) },
  { weight: 1, arbitrary: badTenantName.map(text) },
  { weight: 1, arbitrary: junkValue },
);
const tenantSegment: fc.Arbitrary<IdSpec> = fc.oneof(
  { weight: 4, arbitrary: tenantName },
  { weight: 1, arbitrary: badTenantName.filter((s) => s.length > 0).map(encode) },
).map((segment): IdSpec => ({ kind: 'literal', segment }));
/** A flow key as a path segment: a few the runs share, then ones the pattern refuses. */
const flowKeySegment: fc.Arbitrary<IdSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('crm:acme', 'crm:globex', 'k.1_x-y') },
  { weight: 1, arbitrary: fc.constantFrom('CRM:acme', '-lead', '', 'a'.repeat(129), 'a b', 'crm%2Facme').map(encode) },
).map((segment): IdSpec => ({ kind: 'literal', segment }));
const apiKeyId: fc.Arbitrary<IdSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('api-key' as const), pick: fc.nat(), live: fc.boolean() }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]{12}$/).map((segment): IdSpec => ({ kind: 'literal', segment })) },
  { weight: 1, arbitrary: literalId },
);

const ROUTES: Array<{ weight: number; arbitrary: fc.Arbitrary<RequestSpec> }> = [
  {
    weight: 30,
    arbitrary: route('POST /v1/batches', {
      method: post, path: '/v1/batches', body: batchBody,
      headers: idempotencyKey.map((k) => (k ? [['idempotency-key', k] as [string, HeaderValueSpec]] : [])),
    }),
  },
  {
    weight: 7,
    arbitrary: route('GET /v1/batches', {
      method: get, path: '/v1/batches', query: queryOf({ status: statusOf(BATCH_STATUSES), limit, cursor, tenant: tenantValue }),
    }),
  },
  {
    weight: 10,
    arbitrary: route('GET /v1/batches/{id}', {
      method: get, path: '/v1/batches/{id}', id: idOf('batch'),
      query: queryOf({
        wait: fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min: 0, max: 60 }).map((n) => text(String(n))) },
          { weight: 1, arbitrary: fc.constantFrom('61', '-1', '1.5', 'yes', '', '0x1', '1e1').map(text) },
          { weight: 1, arbitrary: junkValue },
        ),
      }),
    }),
  },
  { weight: 8, arbitrary: route('GET /v1/batches/{id}/workflows', { method: get, path: '/v1/batches/{id}/workflows', id: idOf('batch'), query: listParams(WORKFLOW_STATUSES) }) },
  {
    weight: 6,
    arbitrary: route('GET /v1/batches/{id}/events', {
      method: get, path: '/v1/batches/{id}/events', id: idOf('batch'),
      headers: lastEventId.map((h) => (h ? [['last-event-id', h] as [string, HeaderValueSpec]] : [])),
    }),
  },
  {
    weight: 4,
    arbitrary: route('GET /v1/batches/{id}/timeline.svg', {
      method: get, path: '/v1/batches/{id}/timeline.svg', id: idOf('batch'),
      query: queryOf({
        rows: fc.oneof(
          { weight: 3, arbitrary: fc.integer({ min: 1, max: 1000 }).map((n) => text(String(n))) },
          { weight: 1, arbitrary: fc.constantFrom('0', '1001', '-5', '2.5').map(text) },
          { weight: 1, arbitrary: junkValue },
        ),
      }),
    }),
  },
  { weight: 4, arbitrary: route('POST /v1/batches/{id}/cancel', { method: post, path: '/v1/batches/{id}/cancel', id: idOf('batch'), body: actionBody }) },
  {
    weight: 4,
    arbitrary: route('POST /v1/batches/{id}/retry', {
      method: post, path: '/v1/batches/{id}/retry', id: idOf('batch'), body: actionBody,
      query: queryOf({
        includeCanceled: fc.oneof(fc.constantFrom('true', 'false').map(text), fc.constantFrom('1', '0', 'yes', 'TRUE', '').map(text), junkValue),
      }),
    }),
  },
  {
    weight: 4,
    arbitrary: route('GET /v1/batches/{id}/results', {
      method: get, path: '/v1/batches/{id}/results', id: idOf('batch'),
      query: queryOf({
        status: statusOf(WORKFLOW_STATUSES),
        format: fc.oneof({ weight: 3, arbitrary: fc.constantFrom('ndjson', 'csv').map(text) }, { weight: 1, arbitrary: junkValue }),
      }),
      headers: fc.constantFrom('text/csv', 'application/x-ndjson', 'text/csv;q=0, */*', 'text/*').map((t) => [['accept', { kind: 'text', text: t }] as [string, HeaderValueSpec]]),
    }),
  },
  {
    weight: 5,
    arbitrary: route('GET /v1/workflows', {
      method: get, path: '/v1/workflows',
      query: queryOf({
        status: fc.oneof({ weight: 4, arbitrary: fc.constant(text('failed')) }, { weight: 1, arbitrary: statusOf(WORKFLOW_STATUSES) }),
        stage: statusOf(STAGES),
        errorCode: fc.oneof(fc.constantFrom('SIMULATED_PERMANENT_FAILURE', 'TIMEOUT').map(text), junkValue),
        since: fc.oneof(fc.constantFrom('2026-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z', '9999-12-31T23:59:59Z', '2026-12-31T23:59:60Z').map(text), junkValue),
        limit, cursor, tenant: tenantValue,
      }),
    }),
  },
  { weight: 2, arbitrary: route('GET /v1/webhooks', { method: get, path: '/v1/webhooks', query: queryOf({ status: fc.constantFrom('failed', 'pending').map(text), limit, cursor, tenant: tenantValue }) }) },
  { weight: 2, arbitrary: route('POST /v1/batches/{id}/webhook/redeliver', { method: post, path: '/v1/batches/{id}/webhook/redeliver', id: idOf('batch'), body: actionBody }) },
  { weight: 6, arbitrary: route('GET /v1/workflows/{id}', { method: get, path: '/v1/workflows/{id}', id: idOf('workflow') }) },
  { weight: 3, arbitrary: route('POST /v1/workflows/{id}/cancel', { method: post, path: '/v1/workflows/{id}/cancel', id: idOf('workflow'), body: actionBody }) },
  { weight: 3, arbitrary: route('POST /v1/workflows/{id}/retry', { method: post, path: '/v1/workflows/{id}/retry', id: idOf('workflow'), body: actionBody }) },
  { weight: 2, arbitrary: route('GET /v1/me', { method: get, path: '/v1/me', query: queryOf({}) }) },
  { weight: 2, arbitrary: route('POST /v1/keys', { method: post, path: '/v1/keys', body: newKeyBody }) },
  { weight: 2, arbitrary: route('GET /v1/keys', { method: get, path: '/v1/keys', query: queryOf({ tenant: tenantValue }) }) },
  { weight: 1, arbitrary: route('DELETE /v1/keys/{id}', { method: fc.constant('DELETE'), path: '/v1/keys/{id}', id: apiKeyId }) },
  { weight: 1, arbitrary: route('GET /v1/tenants', { method: get, path: '/v1/tenants', query: queryOf({}) }) },
  { weight: 2, arbitrary: route('GET /v1/tenants/{id}', { method: get, path: '/v1/tenants/{id}', id: tenantSegment }) },
  { weight: 2, arbitrary: route('PUT /v1/tenants/{id}', { method: fc.constant('PUT'), path: '/v1/tenants/{id}', id: tenantSegment, body: quotasBody }) },
  { weight: 2, arbitrary: route('GET /v1/limits/{key}', { method: get, path: '/v1/limits/{id}', id: flowKeySegment }) },
  { weight: 2, arbitrary: route('PUT /v1/limits/{key}', { method: fc.constant('PUT'), path: '/v1/limits/{id}', id: flowKeySegment, body: limitBody }) },
  { weight: 1, arbitrary: route('GET /healthz', { method: get, path: '/healthz', query: queryOf({}) }) },
  { weight: 1, arbitrary: route('GET /readyz', { method: get, path: '/readyz', query: queryOf({}) }) },
  { weight: 1, arbitrary: route('GET /metrics', { method: get, path: '/metrics', query: queryOf({}) }) },
  { weight: 1, arbitrary: route('GET /docs/json', { method: get, path: '/docs/json' }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '/', '/ui/app.js', '/ui/style.css', '/ui/index.html', '/ui/', '/ui/missing.js', '/ui/../package.json', '/ui/%2e%2e/package.json',
      '/ui/..%2F..%2Fpackage.json', '/ui/%00', '/docs', '/docs/', '/docs/static/index.html', '/docs/yaml', '/docs/static/%2e%2e/%2e%2e/package.json',
    ).chain((path) => route(`dashboard and docs`, { method: get, path })),
  },
  {
    weight: 5,
    arbitrary: fc.oneof(
      // Served paths with methods they do not take.
      fc.tuple(
        fc.constantFrom('PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST', 'GET'),
        fc.constantFrom('/v1/batches/{id}', '/v1/batches', '/healthz', '/v1/workflows/{id}', '/v1/batches/{id}/cancel', '/metrics', '/v1/batches/{id}/events',
          '/v1/me', '/v1/keys', '/v1/tenants'),
      ).filter(([m, p]) => !(m === 'POST' && (p === '/v1/batches' || p.endsWith('/cancel') || p === '/v1/keys'))
        && !(m === 'GET' && p !== '/v1/batches/{id}/cancel')),
      // Paths nobody serves.
      fc.tuple(
        fc.constantFrom('GET', 'POST', 'DELETE'),
        fc.oneof(
          fc.constantFrom('/v2/batches', '/v1', '/v1/', '/v1/batches/', '/v1/batches//cancel', '/V1/BATCHES', '/v1/batches/{id}/steps', '//v1/batches',
            '/v1/batches/{id}/timeline.png', '/v1/workflow', '/.env', '/%', '/%zz', '/v1/batches%2F', '/v1/batches/{id}/events/', '/readyz/x', '/metrics.json'),
          nastyString(30).map((s) => `/${encode(s)}`),
        ),
      ),
    ).chain(([method, path]) => route('unknown route or method', {
      method: fc.constant(method), path, id: path.includes('{id}') ? idOf(path.startsWith('/v1/workflows') ? 'workflow' : 'batch') : undefined,
    })),
  },
];

export const requestArb: fc.Arbitrary<RequestSpec> = fc.oneof(...ROUTES);
