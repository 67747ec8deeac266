/**
 * The pieces every schema file builds with, and the registry of named schemas: a schema given a
 * name with `named` is registered once under it (app.addSchema, via schemas.ts sharedSchemas),
 * lands in the OpenAPI document's components.schemas, and is used everywhere through a typed
 * `$ref`. A generated client then gets `components["schemas"]["Batch"]`, and the document says
 * each shape once instead of inline at every use.
 */
import Type, { type Static, type TSchema, type TUnsafe } from 'typebox';

const NAMED = new Map<string, TSchema>();

/** Registers `schema` as `name`; returns a `$ref` to it that keeps the schema's static type. */
export function named<T extends TSchema>(name: string, schema: T): TUnsafe<Static<T>> {
  if (NAMED.has(name)) throw new Error(`schema ${name} is named twice`);
  NAMED.set(name, schema);
  return Type.Unsafe<Static<T>>({ $ref: `${name}#` });
}

/** Every named schema with its `$id`, in the order they were named. */
export function namedSchemas(): Array<TSchema & { $id: string }> {
  return [...NAMED].map(([name, schema]) => ({ ...schema, $id: name }));
}

export const Enum = <T extends string[]>(values: readonly [...T], description: string) =>
  Type.Enum<T>(values, { description });

/**
 * T or null. A primitive becomes `type: [T, "null"]` rather than `anyOf`: the response serialiser
 * then writes it directly instead of running a validator to choose a branch on every response.
 */
export function Nullable<T extends TSchema>(schema: T) {
  const type = (schema as { type?: unknown }).type;
  if (typeof type === 'string' && type !== 'object' && type !== 'array') {
    return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
  }
  return Type.Union([schema, Type.Null()]);
}

export const Time = Type.String({ format: 'date-time', description: 'ISO-8601 UTC with milliseconds.' });
export const Ms = Type.Integer({ minimum: 0, description: 'Milliseconds.' });
export const Id = (what: string) => Type.String({ format: 'uuid', description: `The ${what}'s id.` });
