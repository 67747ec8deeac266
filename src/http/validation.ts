/**
 * Two validators. Bodies are checked exactly as sent: no coercion ("1" is not 1, and an unknown
 * field is an error, not silently dropped). Query strings and params arrive as text, so they are
 * coerced to the declared types.
 */
import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function make(options: Options): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: false, verbose: true, ...options });
  addFormats.default(ajv);
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  // allErrors on bodies so a 400 names every bad field at once (fieldErrors caps the list).
  const strict = make({ coerceTypes: false, removeAdditional: false, useDefaults: true, allErrors: true });
  const coercing = make({ coerceTypes: true, removeAdditional: false, useDefaults: true });
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    return ajv.compile(schema as object);
  };
}
