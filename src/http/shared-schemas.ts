/**
 * The named schemas of the API (schema-kit.ts `named`), each with its `$id`, for app.addSchema:
 * the validators and serialisers resolve `$ref`s with them, and @fastify/swagger lists them in
 * components.schemas.
 */
import { namedSchemas } from './schema-kit.js';
import { createBatchBody } from './schemas.js';
// Registers the event schemas: nothing in a route refers to them (the stream is text), but the
// document and the typed client describe its messages with them.
import './event-schemas.js';
// And those of exports and failure lists (registered on import, like every named schema).
import './result-schemas.js';
import './schedule-schemas.js';

/** BatchCreate carries this server's MAX_BATCH_SIZE, so the list is made per app. */
export function sharedSchemas(maxBatchSize: number): Array<{ $id: string }> {
  return [...namedSchemas(), { ...createBatchBody(maxBatchSize), $id: 'BatchCreate' }];
}
