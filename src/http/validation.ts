/**
 * Two validators. Bodies are checked exactly as sent: no coercion ("1" is not 1, and an unknown
 * field is an error, not silently dropped). Query strings and params arrive as text, so they are
 * coerced to the declared types.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { sharedSchemas } from './shared-schemas.js';

function make(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, verbose: true, ...options });
  addFormats.default(ajv);
  return ajv;
}

/** `maxBatchSize`: this server's MAX_BATCH_SIZE, which the BatchCreate schema carries. */
export function validatorCompiler(maxBatchSize: number): FastifySchemaCompiler<unknown> {
  // allErrors on bodies so a 400 names every bad field at once (fieldErrors caps the list).
  const strict = make({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: true });
  const coercing = make({ coerceTypes: true, removeAdditional: false, useDefaults: true });
  // The named schemas a `$ref` in a route's schema points at (Fastify hands a compiler of one's own none).
  for (const schema of sharedSchemas(maxBatchSize)) {
    strict.addSchema(schema);
    coercing.addSchema(schema);
  }
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object);
  };
}
