/**
 * Bodies for POST /v1/batches (and, now and then, for routes that take none): valid ones, ones
 * with exactly one field wrong, wrong types, huge numbers, hostile strings and keys, deep
 * nesting, duplicate ids, empty and oversized arrays, bytes that are not JSON, wrong content types;
 * and the same kinds for the admin routes' bodies (a new API key, a tenant's quotas).
 */
import fc from 'fast-check';
import { MAX_CLIENT_ID } from '../../src/http/schemas.js';
import { STAGES } from '../../src/model/statuses.js';
import type { BodySpec } from './request.js';
import { nastyString } from './text.js';

type Json = Record<string, unknown>;

/** Client ids the schema accepts, with the edges: 0, the largest integer, 128 characters, look-alikes of each other. */
const clientId: fc.Arbitrary<string | number> = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.constantFrom(0, MAX_CLIENT_ID, '0', '1', 'x'.repeat(128), '__proto__', 'constructor', 'toString', 'hasOwnProperty', ' ', '🙂'),
  fc.string({ minLength: 1, maxLength: 24 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  fc.integer({ min: 0, max: MAX_CLIENT_ID }),
);

/** 1 and "1" are different ids: the server compares them as sent. */
const clientIds = (max: number) => fc.uniqueArray(clientId, { minLength: 1, maxLength: max, selector: (v) => `${typeof v}:${String(v)}` });

/** Mostly a few milliseconds, so batches finish during the run; now and then long, so some stay running. */
const delay = fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 600_000 }) });
const fraction = fc.double({ min: 0, max: 1, noNaN: true });

const validBody: fc.Arbitrary<Json> = fc.record({
  clientIds: fc.oneof({ weight: 9, arbitrary: clientIds(4) }, { weight: 1, arbitrary: clientIds(30) }),
  priority: fc.integer({ min: -1000, max: 1000 }),
  label: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), fc.constant('x'.repeat(200))),
  maxConcurrency: fc.integer({ min: 1, max: 100_000 }),
  retry: fc.record({
    maxAttempts: fc.integer({ min: 1, max: 20 }), baseMs: fc.integer({ min: 0, max: 3_600_000 }), maxMs: fc.integer({ min: 0, max: 3_600_000 }),
  }, { requiredKeys: [] }),
  timeouts: fc.record({
    fetchMs: fc.integer({ min: 1, max: 86_400_000 }), processMs: fc.integer({ min: 1, max: 86_400_000 }), storeMs: fc.integer({ min: 1, max: 86_400_000 }),
  }, { requiredKeys: [] }),
  simulation: fc.record({
    fetchMs: delay, processMs: delay, storeMs: delay, jitter: fraction, failureRate: fraction,
    seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }), failStage: fc.constantFrom(...STAGES), failStageRate: fraction,
  }, { requiredKeys: [] }),
}, { requiredKeys: ['clientIds'] });

/** For each field, values the schema (or the route) refuses. */
const WRONG: Record<string, fc.Arbitrary<unknown>> = {
  clientIds: fc.oneof(
    fc.constantFrom([], '1,2,3', 1, null, {}, { 0: 1 }, [true], [null], [1.5], [-1], [2 ** 53], [''], ['x'.repeat(129)], ['🙂'.repeat(129)], [[1]], [{ id: 1 }]),
    // Duplicates, as sent: the same number twice, the same string twice.
    clientIds(5).map((ids) => [...ids, ids[0]!]),
    // One past MAX_BATCH_SIZE (the suite's service takes 100).
    fc.integer({ min: 101, max: 130 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  ),
  priority: fc.constantFrom(1001, -1001, 1.5, '1', null, 1e308, -1e308, true, [1], Number.MAX_SAFE_INTEGER),
  label: fc.constantFrom('', 'x'.repeat(201), 5, null, ['a'], { a: 1 }),
  maxConcurrency: fc.constantFrom(0, 100_001, 1.5, -1, '10', null),
  retry: fc.constantFrom({ maxAttempts: 0 }, { maxAttempts: 21 }, { baseMs: -1 }, { maxMs: 3_600_001 }, { unknown: 1 }, 'x', null, []),
  timeouts: fc.constantFrom({ fetchMs: 0 }, { storeMs: 86_400_001 }, { processMs: 1.5 }, { other: 1 }, 7, null),
  simulation: fc.constantFrom(
    { failureRate: 2 }, { failureRate: -0.1 }, { jitter: 1.01 }, { failStage: 'nope' }, { failStage: 'FETCH' }, { seed: 2 ** 32 },
    { seed: -1 }, { fetchMs: 600_001 }, { delayMs: 5 }, { failStageRate: 1.5 }, 'fast', null,
  ),
  callbackUrl: fc.constantFrom(
    'not a url', 'javascript:alert(1)', 'ftp://example.com/x', 'file:///etc/passwd', 'http://user:pw@example.com/x',
    // Well-formed, refused only because the suite's service has no WEBHOOK_SECRET (nothing is ever called).
    'http://127.0.0.1:9/hook', 'https://example.com/hook', `http://example.com/${'x'.repeat(2100)}`, '', 5,
  ),
};
const FIELDS = Object.keys(WRONG);

const nearlyValid: fc.Arbitrary<Json> = fc.tuple(validBody, fc.constantFrom(...FIELDS)).chain(([body, field]) =>
  WRONG[field]!.map((bad) => ({ ...body, [field]: bad })));

const unknownField: fc.Arbitrary<Json> = fc.tuple(validBody, nastyString(20), fc.jsonValue({ maxDepth: 2 }))
  .filter(([body, key]) => !(key in body) && key !== '__proto__')
  .map(([body, key, value]) => ({ ...body, [key]: value }));

/** Known field names with values of any JSON type. */
const wrongTypes: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom('clientIds', ...FIELDS, 'label'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.record({ clientIds: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 6 }) }),
);

/** Raw JSON text no JS object can produce: huge and odd numbers, duplicate keys, prototype keys, deep nesting. */
const rawJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '{"clientIds":[1e400]}', '{"clientIds":[-1e400]}', '{"clientIds":[123456789012345678901234567890]}',
    '{"clientIds":[9007199254740993]}', '{"clientIds":[1],"priority":1e400}', '{"clientIds":[1],"priority":-0}',
    '{"clientIds":[1.0]}', '{"clientIds":[1e2]}', '{"clientIds":[1],"simulation":{"jitter":1e-400}}',
    '{"clientIds":[1],"simulation":{"seed":4294967296.0}}',
    '{"clientIds":[1],"clientIds":"x"}', '{"clientIds":"x","clientIds":[1]}', '{"clientIds":[1,1]}', '{"clientIds":[1,"1"]}',
    '{"clientIds":[1],"__proto__":{"isAdmin":true}}', '{"__proto__":{"clientIds":[1]}}',
    '{"clientIds":[1],"constructor":{"prototype":{"polluted":true}}}',
    '{"clientIds":[1],"simulation":{"__proto__":{"failureRate":1}}}', '{"clientIds":[{"__proto__":1}]}',
    '{"clientIds":["__proto__","constructor","prototype"]}',
    '{"clientIds":[1]} trailing', '{"clientIds":[1],}', "{'clientIds':[1]}", '{clientIds:[1]}', '{"clientIds":[1]', '',
    'null', 'true', '0', '"clientIds"', '[]', '{}', '\ufeff{"clientIds":[1]}', '{"clientIds":[1]}\u0000', ' \n\t{"clientIds":[1]}\n',
    '{"clientIds":["\\ud800"]}', '{"clientIds":["\\u0000"]}', '{"label":"\\u0000","clientIds":[2]}',
  ),
  // Deep nesting, at the top and inside a field.
  fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `{"clientIds":[1],"simulation":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `{"clientIds":${'['.repeat(n)}1${']'.repeat(n)}}`),
);

/** What a client may put in Content-Type beside application/json. */
const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json;charset=UTF-8',
  'application/merge-patch+json', 'application/problem+json', 'application/vnd.api+json', 'application/octet-stream',
  '', '*/*', 'application/', 'json', 'application/json, text/plain', 'application/json; boundary=";"',
];

const TOO_LARGE_BYTES = 64 * 1024 + 100 * (128 * 6 + 3) + 1;

export const batchBody: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 30, arbitrary: validBody.map((value): BodySpec => ({ kind: 'json', value, valid: true })) },
  { weight: 20, arbitrary: nearlyValid.map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 4, arbitrary: unknownField.map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 8, arbitrary: wrongTypes.map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 8, arbitrary: rawJson.map((text): BodySpec => ({ kind: 'text', text, contentType: 'application/json' })) },
  {
    weight: 4,
    arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): BodySpec => ({ kind: 'bytes', bytes, contentType: 'application/json' })),
  },
  {
    weight: 6,
    arbitrary: fc.tuple(validBody, fc.constantFrom(...CONTENT_TYPES)).map(([value, contentType]): BodySpec => ({ kind: 'json', value, contentType })),
  },
  { weight: 2, arbitrary: fc.constant<BodySpec>({ kind: 'filler', size: TOO_LARGE_BYTES, fill: 'x', contentType: 'application/json' }) },
  // A body with no Content-Type at all.
  { weight: 2, arbitrary: fc.oneof(rawJson, fc.string()).map((text): BodySpec => ({ kind: 'text', text })) },
  // An Idempotency-Key accepted earlier: with its own body (a replay) or another one (a conflict).
  {
    weight: 6,
    arbitrary: fc.tuple(fc.nat(), fc.boolean(), validBody).map(([pick, same, value]): BodySpec => ({ kind: 'replay', pick, same, value })),
  },
);

/** A body sent where none is expected. */
export const strayBody: fc.Arbitrary<BodySpec | undefined> = fc.oneof(
  { weight: 60, arbitrary: fc.constant(undefined) },
  { weight: 10, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 10, arbitrary: rawJson.map((text): BodySpec => ({ kind: 'text', text, contentType: 'application/json' })) },
  {
    weight: 10,
    arbitrary: fc.tuple(fc.string(), fc.constantFrom(...CONTENT_TYPES)).map(([text, contentType]): BodySpec => ({ kind: 'text', text, contentType })),
  },
  // Past Fastify's default body limit (1 MiB), which routes without a body of their own keep.
  { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'filler', size: 1024 * 1024 + 1, fill: ' ', contentType: 'application/json' }) },
);

// --- tenants and keys (admin routes) -------------------------------------------------------------

/** Tenant ids the pattern takes: the run's own, new ones, the edges (1 and 63 characters). */
export const tenantName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('alpha', 'bravo', 'ops', 'slow', 'default', 'scratch', '0', 'a'.repeat(63), 'a-b_c'),
  fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
);
/** Tenant ids it refuses. */
export const badTenantName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', 'Alpha', '-x', '_x', 'a'.repeat(64), 'a b', 'a/b', 'ALPHA', 'é', 'a.b', '..'),
  nastyString(20),
);

/** Wrong values for each field of a key or quotas body. */
const NEW_KEY_WRONG: Record<string, fc.Arbitrary<unknown>> = {
  tenant: fc.oneof(badTenantName, fc.constantFrom(null, 5, ['alpha'], { id: 'alpha' })),
  admin: fc.constantFrom('true', 1, 0, null, 'yes', []),
  label: fc.constantFrom('x'.repeat(201), 5, null, ['a'], { a: 1 }),
};
const newKeyValid: fc.Arbitrary<Json> = fc.record({
  tenant: tenantName,
  admin: fc.boolean(),
  label: fc.oneof(fc.string({ maxLength: 40 }), nastyString(20), fc.constant('x'.repeat(200))),
}, { requiredKeys: ['tenant'] });

const QUOTA_WRONG: Record<string, fc.Arbitrary<unknown>> = {
  maxQueued: fc.constantFrom(0, 1_000_000_001, 1.5, '10', null, -1),
  maxRunning: fc.constantFrom(0, 1_000_001, 2.5, 'none', -1),
  priorityMin: fc.constantFrom(-1001, 1001, 0.5, '0', null),
  priorityMax: fc.constantFrom(-1001, 1001, 0.5, [], null),
  maxAttempts: fc.constantFrom(0, 101, 1.5, true, null),
  maxTimeoutMs: fc.constantFrom(0, 86_400_001, 1e308, 'x'),
  maxDelayMs: fc.constantFrom(-1, 3_600_001, 1.5, {}),
  maxCpuMs: fc.constantFrom(-1, 3_600_001, 0.5, 'x'),
  maxStreams: fc.constantFrom(0, 100_001, 1.5, null),
  maxStored: fc.constantFrom(0, 1_000_000_000_001, 2.5, 'x'),
  ratePerMinute: fc.constantFrom(0, 10_000_001, 0.5, '60', null),
};
const quotasValid: fc.Arbitrary<Json> = fc.record({
  maxQueued: fc.integer({ min: 1, max: 1_000_000_000 }),
  maxRunning: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 1_000_000 })),
  priorityMin: fc.integer({ min: -1000, max: 1000 }),
  priorityMax: fc.integer({ min: -1000, max: 1000 }),
  maxAttempts: fc.integer({ min: 1, max: 100 }),
  maxTimeoutMs: fc.integer({ min: 1, max: 86_400_000 }),
  maxDelayMs: fc.integer({ min: 0, max: 3_600_000 }),
  maxCpuMs: fc.integer({ min: 0, max: 3_600_000 }),
  maxStreams: fc.integer({ min: 1, max: 100_000 }),
  maxStored: fc.integer({ min: 1, max: 1_000_000_000_000 }),
  ratePerMinute: fc.integer({ min: 1, max: 10_000_000 }),
}, { requiredKeys: [] });

/** Valid bodies (mostly), one field wrong, an unknown field, wrong types, raw text and bytes, other content types. */
function adminBody(valid: fc.Arbitrary<Json>, wrong: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<BodySpec | undefined> {
  const fields = Object.keys(wrong);
  return fc.oneof(
    { weight: 10, arbitrary: valid.map((value): BodySpec => ({ kind: 'json', value })) },
    { weight: 6, arbitrary: fc.tuple(valid, fc.constantFrom(...fields)).chain(([body, field]) => wrong[field]!.map((bad): BodySpec => ({ kind: 'json', value: { ...body, [field]: bad } }))) },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, nastyString(20), fc.jsonValue({ maxDepth: 2 })).filter(([body, key]) => !(key in body) && key !== '__proto__')
        .map(([body, key, value]): BodySpec => ({ kind: 'json', value: { ...body, [key]: value } })),
    },
    { weight: 2, arbitrary: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 })).map((value): BodySpec => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: rawJson.map((text): BodySpec => ({ kind: 'text', text, contentType: 'application/json' })) },
    { weight: 1, arbitrary: fc.tuple(valid, fc.constantFrom(...CONTENT_TYPES)).map(([value, contentType]): BodySpec => ({ kind: 'json', value, contentType })) },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

export const newKeyBody = adminBody(newKeyValid, NEW_KEY_WRONG);
export const quotasBody = adminBody(quotasValid, QUOTA_WRONG);

/** PUT /v1/limits/{key}: a rate goes with its period (alone, a 400 naming the missing one). */
const LIMIT_WRONG: Record<string, fc.Arbitrary<unknown>> = {
  concurrency: fc.constantFrom(-1, 1_000_001, 1.5, '5'),
  rate: fc.constantFrom(0, 1_000_000_001, 2.5, 'fast'),
  periodMs: fc.constantFrom(0, 86_400_001, 0.5, []),
  burst: fc.constantFrom(0, 1.5, '1', {}),
};
const limitValid: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ concurrency: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 1_000_000 })) }, { requiredKeys: [] }),
  fc.record({
    concurrency: fc.integer({ min: 0, max: 1_000_000 }), rate: fc.integer({ min: 1, max: 1_000_000_000 }),
    periodMs: fc.integer({ min: 1, max: 86_400_000 }), burst: fc.oneof(fc.constant(null), fc.integer({ min: 1, max: 1_000_000_000 })),
  }, { requiredKeys: ['rate', 'periodMs'] }),
);
export const limitBody = adminBody(limitValid, LIMIT_WRONG);

/** What an action (cancel, retry) takes: mostly `{}` or nothing as application/json, as a client sends it; else any stray body. */
export const actionBody: fc.Arbitrary<BodySpec | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<BodySpec>({ kind: 'json', value: {} }) },
  { weight: 2, arbitrary: fc.constantFrom<BodySpec>({ kind: 'text', text: '', contentType: 'application/json' }, { kind: 'text', text: '{}', contentType: 'application/json; charset=utf-8' }) },
  { weight: 3, arbitrary: strayBody },
);
