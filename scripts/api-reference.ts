/**
 * docs/reference/api.md, made from the OpenAPI document: every operation with its summary,
 * parameters, body fields and answers, so the overview can never leave one out. Written and
 * checked with openapi/openapi.json by scripts/openapi.ts.
 */
import { slug } from 'github-slugger';

export const API_REFERENCE_FILE = 'docs/reference/api.md';

interface Schema {
  $ref?: string;
  type?: string | string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
}
interface Parameter { name: string; in: string; required?: boolean; description?: string; schema?: Schema }
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<string, { description?: string }>;
}
interface Document {
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** A schema in a few words: `string`, `integer | null`, `"simulated" | "http"`, `array of …`. */
function typeOf(schema: Schema | undefined, doc: Document): string {
  if (!schema) return '';
  if (schema.$ref) return schema.$ref.split('/').pop() ?? schema.$ref;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.anyOf) return [...new Set(schema.anyOf.map((s) => typeOf(s, doc)))].join(' \\| ');
  if (schema.type === 'array') return `array of ${typeOf(schema.items, doc)}`;
  return Array.isArray(schema.type) ? schema.type.join(' \\| ') : schema.type ?? 'any';
}

const cell = (text: string | undefined) => (text ?? '').replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();

function operationText(method: string, path: string, op: Operation, doc: Document): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, '', `${cell(op.summary)}.`.replace(/\.\.$/, '.'), ''];
  if (op.description) lines.push(op.description.trim(), '');
  const params = op.parameters ?? [];
  if (params.length > 0) {
    lines.push('| parameter | in | type | what |', '| --- | --- | --- | --- |');
    for (const p of params) {
      lines.push(`| \`${p.name}\`${p.required ? ' (required)' : ''} | ${p.in} | ${typeOf(p.schema, doc)} | ${cell(p.description ?? p.schema?.description)} |`);
    }
    lines.push('');
  }
  for (const [type, { schema }] of Object.entries(op.requestBody?.content ?? {})) {
    const fields = Object.entries(schema?.properties ?? {});
    if (fields.length === 0) {
      lines.push(`Body: \`${type}\`, empty or \`{}\`.`, '');
      continue;
    }
    lines.push(`Body (\`${type}\`):`, '', '| field | type | what |', '| --- | --- | --- |');
    for (const [name, field] of fields) {
      const required = schema?.required?.includes(name) ? ' (required)' : '';
      lines.push(`| \`${name}\`${required} | ${typeOf(field, doc)} | ${cell(field.description)} |`);
      // One level down (retry.maxAttempts, simulation.fetchMs …): the options a batch may set.
      for (const [sub, subField] of Object.entries(field.properties ?? {})) {
        lines.push(`| \`${name}.${sub}\` | ${typeOf(subField, doc)} | ${cell(subField.description)} |`);
      }
    }
    lines.push('');
  }
  const answers = Object.entries(op.responses).map(([code, r]) => `\`${code}\` ${cell(r.description)}`);
  lines.push(`Answers: ${answers.join(' · ')}`, '');
  return lines;
}

export function apiReferenceText(doc: Document): string {
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = doc.tags ?? [];
  const lines = [
    '# API',
    '',
    '<!-- Generated from openapi/openapi.json by `npm run openapi`; `npm run check` fails when it is stale. Do not edit. -->',
    '',
    `Every operation of the [OpenAPI file](../../openapi/openapi.json) (${ops.length} in all), which is itself`,
    'generated from the route schemas. A running service serves it at `/docs/json` and as Swagger UI at `/docs`, where',
    '**Try it out** sends real requests. Every `/v1` operation needs `Authorization: Bearer <key>` unless',
    'auth is off ([security](../operate/security.md)); every error is problem+json ([errors](errors.md)).',
    'What the figures mean (`percent`, `elapsedMs`, `sequentialMs`, `speedup`, p95):',
    '[API definitions](../architecture/http.md#api-definitions). The dashboard at `/` is not part of the contract.',
    '',
    '| operation | what |',
    '| --- | --- |',
    ...ops.map(({ path, method, op }) => `| [\`${method.toUpperCase()} ${path}\`](#${slug(`${method.toUpperCase()} ${path}`)}) | ${cell(op.summary)} |`),
    '',
  ];
  for (const tag of tags) {
    const mine = ops.filter(({ op }) => op.tags?.[0] === tag.name);
    if (mine.length === 0) continue;
    lines.push(`## ${tag.name}: ${tag.description ?? ''}`.trimEnd(), '');
    for (const { path, method, op } of mine) lines.push(...operationText(method, path, op, doc));
  }
  const untagged = ops.filter(({ op }) => !tags.some((t) => t.name === op.tags?.[0]));
  if (untagged.length > 0) {
    lines.push('## Other', '');
    for (const { path, method, op } of untagged) lines.push(...operationText(method, path, op, doc));
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
