/**
 * The properties every answer must have, whatever was asked:
 * - never a 5xx: in this run the service is healthy and idle enough that none of the documented
 *   503s (shutting down, store unavailable, too many streams, /readyz unready) may happen;
 * - a 4xx is problem+json: `type`, `title`, `status` = the HTTP status, a `detail` that names
 *   what is wrong, and nothing internal (stack frames, SQL, file paths) that the request did not carry;
 * - a documented operation answers only statuses its entry in openapi/openapi.json lists;
 * - a 2xx of a documented operation matches the schema the file declares for that operation,
 *   status and content type; a 2xx (or 3xx) elsewhere only comes from the docs and the dashboard.
 * Each returns a list of what is wrong (empty: fine), so one failure reports everything at once.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { internalLeaks } from '../contract-helpers.js';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The body, or its head for an event stream left after the first message. */
  body: string;
  /** True when only the head of an event stream was read. */
  partial: boolean;
}

interface OpenApiResponse {
  content?: Record<string, unknown>;
}
interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, OpenApiResponse> }>>;
}

export const mediaType = (answer: Answer): string => String(answer.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();

/** JSON Pointer token, then URI-fragment encoded: `/v1/batches/{id}` → `~1v1~1batches~1%7Bid%7D`. */
const token = (s: string) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'));

/** The committed OpenAPI file, compiled with ajv (OpenAPI 3.1 = JSON Schema 2020-12; $refs resolve inside the file). */
export class OpenApi {
  readonly doc: OpenApiDoc;
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #templates: Array<{ template: string; pattern: RegExp }>;

  constructor() {
    this.doc = JSON.parse(readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8')) as OpenApiDoc;
    addFormats.default(this.#ajv);
    // The whole document under one id: a response schema is compiled as a $ref into it, so any
    // $ref it holds (to components or elsewhere) resolves.
    this.#ajv.addSchema(this.doc as object, 'openapi.json', undefined, false);
    this.#templates = Object.keys(this.doc.paths).map((template) => ({
      template, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** The documented operation a request lands on, or null (docs, dashboard, unknown paths). */
  operation(method: string, url: string): { template: string; responses: Record<string, OpenApiResponse> } | null {
    // A "." or ".." segment (%2e too) is resolved by the client before it is sent: the request
    // lands where the resolved path points (/v1/batches/%2e%2e/workflows is GET /v1/workflows).
    const path = new URL(url.split('?')[0]!, 'http://localhost').pathname;
    const lower = method === 'HEAD' ? 'get' : method.toLowerCase();
    for (const { template, pattern } of this.#templates) {
      const op = this.doc.paths[template]?.[lower];
      if (pattern.test(path) && op) return { template, responses: op.responses };
    }
    return null;
  }

  validator(method: string, template: string, status: number, type: string): ValidateFunction {
    const key = `${method} ${template} ${status} ${type}`;
    let validate = this.#compiled.get(key);
    if (!validate) {
      const ref = `openapi.json#/paths/${token(template)}/${method.toLowerCase()}/responses/${status}/content/${token(type)}/schema`;
      validate = this.#ajv.compile({ $ref: ref });
      this.#compiled.set(key, validate);
    }
    return validate;
  }

  errorsText(validate: ValidateFunction): string {
    return this.#ajv.errorsText(validate.errors);
  }
}

interface Problem {
  type?: unknown;
  title?: unknown;
  status?: unknown;
  detail?: unknown;
  errors?: unknown;
}

/** A documented operation answers only statuses its entry lists (a 404 for an unknown path is no operation's). */
export function statusFaults(answer: Answer, method: string, url: string, openApi: OpenApi): string[] {
  const op = openApi.operation(method, url);
  if (!op || op.responses[String(answer.status)]) return [];
  // A URL that does not decode, or an id past the router's length limit, is refused before routing.
  if (answer.status === 400 && /\/problems\/(?:invalid-url|id-too-long)"/.test(answer.body)) return [];
  return [`${method} ${op.template} does not document status ${answer.status}`];
}

/** What is wrong with a 4xx answer. `sent` is the request's URL, headers and body as text. */
export function problemFaults(answer: Answer, method: string, sent: string): string[] {
  const faults: string[] = [];
  if (mediaType(answer) !== 'application/problem+json') faults.push(`content-type is ${String(answer.headers['content-type'])}, not application/problem+json`);
  if (method === 'HEAD') return faults;
  let body: Problem;
  try {
    body = JSON.parse(answer.body) as Problem;
  } catch {
    return [...faults, 'the body is not JSON'];
  }
  if (typeof body.type !== 'string' || body.type.length === 0) faults.push('no type');
  if (typeof body.title !== 'string' || body.title.length === 0) faults.push('no title');
  if (body.status !== answer.status) faults.push(`status ${String(body.status)} differs from the HTTP status ${answer.status}`);
  if (typeof body.detail !== 'string' || body.detail.trim().length === 0) faults.push('no detail');
  else if (body.detail === body.title) faults.push('detail only repeats the title');
  if (body.errors !== undefined) {
    const errors = body.errors;
    if (!Array.isArray(errors) || errors.length === 0) faults.push('errors is not a non-empty list');
    else {
      const entries = errors as Array<{ path?: unknown; message?: unknown }>;
      for (const e of entries) {
        if (typeof e.path !== 'string' || !/^\/(body|querystring|params|headers)(\/|$)/.test(e.path)) faults.push(`errors[].path ${String(e.path)} names no request part`);
        if (typeof e.message !== 'string' || e.message.length === 0) faults.push('an errors[] entry has no message');
      }
      // The detail names a field the errors list (its pointer, or at least its name).
      const named = entries.some((e) => typeof e.path === 'string' && typeof body.detail === 'string'
        && (body.detail.includes(e.path) || body.detail.toLowerCase().includes(e.path.split('/').at(-1)!.toLowerCase())));
      if (!named) faults.push('detail names none of the fields in errors');
    }
  }
  // Internals: a leak counts only when the request did not carry the same text (a 404 echoes the URL).
  for (const leak of internalLeaks(answer.body)) {
    if (!sent.includes(leak)) faults.push(`leaks internals: ${JSON.stringify(leak)}`);
  }
  return faults;
}

/** The docs and the dashboard: served, but not operations of the v1 contract. */
const UNDOCUMENTED_OK = /^\/(?:$|ui\/|docs(?:$|\/|\?))/;

/** What is wrong with a 2xx or 3xx answer. */
export function successFaults(answer: Answer, method: string, url: string, openApi: OpenApi): string[] {
  const op = openApi.operation(method, url);
  if (!op) {
    // Where the request landed: the client resolves "." and ".." segments (%2e too) before sending.
    if (!UNDOCUMENTED_OK.test(new URL(url, 'http://localhost').pathname)) return [`${answer.status} from a path the document does not list`];
    if (answer.status >= 300) return answer.headers.location ? [] : [`${answer.status} without a Location`];
    if (!answer.headers['content-type']) return ['no content-type'];
    if (url.split('?')[0] === '/docs/json' && method !== 'HEAD') {
      try {
        const doc = JSON.parse(answer.body) as { openapi?: unknown };
        return doc.openapi === '3.1.0' ? [] : ['/docs/json is not an OpenAPI 3.1 document'];
      } catch {
        return ['/docs/json is not JSON'];
      }
    }
    return [];
  }
  const response = op.responses[String(answer.status)];
  if (!response) return [`${method} ${op.template} does not document status ${answer.status}`];
  if (answer.status === 204) return answer.body === '' ? [] : ['a 204 with a body'];
  const type = mediaType(answer);
  if (!response.content?.[type]) {
    return [`${method} ${op.template} ${answer.status} does not document content-type ${String(answer.headers['content-type'])}`];
  }
  if (method === 'HEAD' || answer.partial) return [];
  if (type !== 'application/json') {
    // Text answers: the schema is "a string"; check the text is what it says it is.
    if (type === 'image/svg+xml' && !/^(?:<\?xml[^>]*>\s*)?<svg[\s>]/.test(answer.body)) return ['the SVG does not start with <svg'];
    return [];
  }
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return ['the body is not JSON'];
  }
  const validate = openApi.validator(method === 'HEAD' ? 'GET' : method, op.template, answer.status, type);
  return validate(body) ? [] : [`does not match the document: ${openApi.errorsText(validate)}`];
}
