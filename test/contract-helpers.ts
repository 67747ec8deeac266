/**
 * Helpers for the HTTP contract tests: check real responses against the OpenAPI document the
 * app generates (OpenAPI 3.1 = JSON Schema 2020-12), and against the problem+json rules of
 * DESIGN.md ("HTTP API (v1)").
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { openApiText } from '../scripts/openapi-document.js';

export type InjectResponse = LightMyRequestResponse;

interface ResponseObject {
  description?: string;
  headers?: Record<string, { schema?: object; description?: string }>;
  content?: Record<string, { schema?: object }>;
}

interface Operation {
  operationId?: string;
  responses: Record<string, ResponseObject>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

/** The document the app serves: what `npm run openapi` writes. */
export function documentOf(app: FastifyInstance): OpenApiDocument {
  return app.swagger() as unknown as OpenApiDocument;
}

/** The document of a default-configuration app, exactly as `npm run openapi` writes it. */
export async function defaultConfigDocument(): Promise<OpenApiDocument> {
  return JSON.parse(await openApiText()) as OpenApiDocument;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: Array<{ path: string; message: string }>;
}

const mediaType = (res: InjectResponse): string => String(res.headers['content-type'] ?? '').split(';')[0]!.trim();

/** Asserts an RFC 9457 answer with the given status and returns its body. */
export function expectProblem(res: InjectResponse, status: number): ProblemBody {
  expect(res.statusCode, res.body).toBe(status);
  expect(mediaType(res)).toBe('application/problem+json');
  const body = JSON.parse(res.body) as ProblemBody;
  expect(typeof body.type).toBe('string');
  expect(body.type.length).toBeGreaterThan(0);
  expect(typeof body.title).toBe('string');
  expect(body.title.length).toBeGreaterThan(0);
  expect(body.status).toBe(status);
  expect(typeof body.detail).toBe('string');
  expect(body.detail.length).toBeGreaterThan(0);
  if (body.errors !== undefined) {
    expect(Array.isArray(body.errors)).toBe(true);
    for (const e of body.errors) {
      expect(typeof e.path).toBe('string');
      expect(typeof e.message).toBe('string');
    }
  }
  return body;
}

/** The `errors[].path` list of a problem answer (empty when it has none). */
export function errorPaths(res: InjectResponse): string[] {
  const body = JSON.parse(res.body) as ProblemBody;
  return (body.errors ?? []).map((e) => e.path);
}

/**
 * Validates real answers against the operation, status and content type the document declares.
 * Every problem+json answer is also checked with `expectProblem`.
 */
export class ContractChecker {
  readonly #doc: OpenApiDocument;
  readonly #ajv: Ajv2020;
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #templates: Array<{ template: string; pattern: RegExp }>;

  constructor(doc: OpenApiDocument) {
    this.#doc = doc;
    this.#ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    // The whole document under one id: a response schema is compiled as a $ref into it, so its
    // $refs to components.schemas resolve.
    this.#ajv.addSchema(doc as object, 'openapi.json', undefined, false);
    this.#templates = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** The path template of the document that `url` (with or without a query) falls under. */
  templateOf(url: string): string {
    const path = url.split('?')[0]!;
    const found = this.#templates.filter((t) => t.pattern.test(path)).map((t) => t.template);
    expect(found, `one documented path matches ${path}`).toHaveLength(1);
    return found[0]!;
  }

  /** Asserts `res` is what the document promises for `method url`; returns the parsed body. */
  check<T = unknown>(method: string, url: string, res: InjectResponse): T {
    const template = this.templateOf(url);
    const operation = this.#doc.paths[template]?.[method.toLowerCase()];
    expect(operation, `${method} ${template} is documented`).toBeDefined();
    const response = operation!.responses[String(res.statusCode)];
    expect(response, `${method} ${template} documents status ${res.statusCode} (body: ${res.body.slice(0, 300)})`).toBeDefined();
    const type = mediaType(res);
    const schema = response!.content?.[type]?.schema;
    expect(schema, `${method} ${template} ${res.statusCode} documents content type ${type}`).toBeDefined();

    const key = `${method} ${template} ${res.statusCode} ${type}`;
    let validate = this.#compiled.get(key);
    if (!validate) {
      const pointer = ['paths', template, method.toLowerCase(), 'responses', String(res.statusCode), 'content', type, 'schema']
        .map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');
      validate = this.#ajv.compile({ $ref: `openapi.json#/${pointer}` });
      this.#compiled.set(key, validate);
    }
    const body: unknown = JSON.parse(res.body);
    if (!validate(body)) {
      expect.fail(`${key} does not match the document: ${this.#ajv.errorsText(validate.errors)}\n${res.body.slice(0, 1000)}`);
    }
    for (const [name, header] of Object.entries(response!.headers ?? {})) {
      const value = res.headers[name.toLowerCase()];
      expect(value, `${key} sends the documented header ${name}`).toBeDefined();
      if (header.schema && !this.#ajv.validate(header.schema, value)) {
        expect.fail(`${key} header ${name}=${String(value)}: ${this.#ajv.errorsText()}`);
      }
    }
    if (type === 'application/problem+json') expectProblem(res, res.statusCode);
    return body as T;
  }
}

/**
 * Traces of internals in a response body: stack frames, file paths, SQL, driver names.
 * Returns what it found (empty when clean), so a failure shows the offending text.
 */
export function internalLeaks(text: string): string[] {
  const patterns = [
    /\bat [^\n]*?\(?(?:file:\/\/)?\/[^\s)]+\.(?:[cm]?[jt]s):\d+/, // "at fn (/path/file.ts:12:3)"
    /\bat (?:async )?[\w$.<>]+ \(/, // "at Object.<anonymous> (" / "at async fn ("
    /node_modules\//,
    /\/(?:work|src|app|home|usr)\/[\w./-]+\.(?:[cm]?[jt]s)\b/,
    /\b(?:SELECT|INSERT|UPDATE|DELETE)\b[\s\S]{0,200}\b(?:FROM|INTO|SET|WHERE)\b/i,
    /\b(?:CREATE|DROP|ALTER) (?:TABLE|INDEX)\b/i,
    /sqlite/i,
    /\bSQLITE_[A-Z]+/,
    /no such (?:table|column)/i,
    /constraint failed/i,
  ];
  return patterns.flatMap((p) => {
    const m = p.exec(text);
    return m ? [m[0]] : [];
  });
}
