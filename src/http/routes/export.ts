/**
 * `GET /v1/batches/{id}/results`: every workflow of a batch with its result or error and stage
 * timings, streamed as NDJSON (the default) or CSV (export-rows.ts).
 *
 * Memory stays flat whatever the batch's size: the body is an async generator read by the
 * socket (Readable.from, piped by Fastify), so it reads the next page of PAGE workflows from the
 * store (the batch's keyset listing, by the workflows' key) only once the socket has taken the
 * last one. A client that reads slowly holds the reads back; one that goes away destroys the
 * body, which ends the generator: no read after that page. Pages are read in turns shared by every
 * export (replayTurns), so a few large exports cannot keep the engine's commits off the loop.
 *
 * An export of a running batch writes what each page holds when it is read: every workflow
 * exactly once (the listing's key never changes), each in the state it had then.
 *
 * An export ended by the server (closing) or by the batch's deletion (retention) is cut: its
 * connection is destroyed before the final chunk, so no client can take a part for the whole.
 */
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Negotiator from 'negotiator';
import type { WorkflowStatus } from '../../model/statuses.js';
import type { Reads } from '../../store/store.js';
import { ownedBatch } from '../auth.js';
import { replayTurns } from '../event-stream.js';
import { CSV_COLUMNS, MEDIA_TYPES, head, lines } from '../export-rows.js';
import { EXPORT_FORMATS, ExportQuery, ExportRow, type ExportFormat } from '../result-schemas.js';
import { IdParams, problems } from '../schemas.js';
import { watcherOf, type QuotaBook } from '../quotas.js';
import type { Watchers } from '../watchers.js';

/** Workflows read from the store per page (the listing's largest). */
export const EXPORT_PAGE = 1_000;
/** Exports reading the store at once. */
const EXPORT_TURNS = 2;

/**
 * `?format=` first, then Accept. An Accept naming neither type (application/json, garbage, none)
 * gets NDJSON, as every other route answers JSON whatever Accept says: never a 406.
 */
export function formatOf(format: ExportFormat | undefined, accept: string | undefined): ExportFormat {
  if (format !== undefined) return format;
  const chosen = new Negotiator({ headers: { accept } }).mediaType(EXPORT_FORMATS.map((f) => MEDIA_TYPES[f]));
  return chosen === MEDIA_TYPES.csv ? 'csv' : 'ndjson';
}

interface ExportOptions {
  store: Pick<Reads, 'listWorkflows'>;
  batchId: string;
  status: WorkflowStatus | undefined;
  format: ExportFormat;
  turn: <T>(read: () => Promise<T>) => Promise<T>;
}

/** The export's text, a page at a time; each page is read only when the last one has been taken. */
export async function* exportText(o: ExportOptions): AsyncGenerator<string> {
  const first = head(o.format);
  if (first) yield first;
  let cursor: string | undefined;
  do {
    const after = cursor;
    const page = await o.turn(() => o.store.listWorkflows(o.batchId, { status: o.status, limit: EXPORT_PAGE, cursor: after }));
    // Deleted meanwhile (retention): what was written is not the whole batch.
    if (!page) throw new Error(`batch ${o.batchId} was deleted during its export`);
    if (page.items.length > 0) yield lines(o.format, page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

export const exportRoutes: FastifyPluginAsyncTypebox<{ store: Reads; watchers: Watchers; quotas: QuotaBook }> = async (app, { store, watchers, quotas: book }) => {
  const turn = replayTurns(EXPORT_TURNS);

  app.get('/v1/batches/:id/results', {
    schema: {
      operationId: 'exportBatchResults',
      summary: "Export a batch's results (NDJSON or CSV, streamed)",
      description: 'One line per workflow, in the order the ids were sent: workflow id, client id, status, result or '
        + 'error (stage, code, message) and per stage its status, attempts and duration. NDJSON by default '
        + '(`application/x-ndjson`, one ExportRow per line); CSV with `Accept: text/csv` or `?format=csv` '
        + `(RFC 4180, a header row, CRLF; columns ${CSV_COLUMNS.join(', ')}; the result as JSON text; a text cell starting `
        + 'with = + - @ gets a leading \'). Any other Accept gets NDJSON. Streamed page by page, so any batch size '
        + 'takes little memory; a running batch exports what each page holds when it is read. A response cut short '
        + '(the server closing) ends without its final chunk: an error for the client, never a short file.',
      tags: ['batches'],
      params: IdParams,
      querystring: ExportQuery,
      response: {
        200: {
          description: 'The export, streamed.',
          content: {
            'application/x-ndjson': { schema: { type: 'string', contentSchema: ExportRow } },
            'text/csv': { schema: { type: 'string' } },
          },
        },
        ...problems(400, 404, 429, 503),
      },
    },
  }, async (request, reply) => {
    const { id } = request.params;
    await ownedBatch(store, request.principal, id);
    const format = formatOf(request.query.format, request.headers.accept);
    // HEAD: the headers only; its client reads no body. A GET takes a slot first (a 429 past the
    // tenant's maxStreams, a 503 past SSE_MAX_STREAMS); a revoked key's export is cut as its streams are.
    const watch = request.method === 'HEAD' ? null : watchers.open(reply.raw, 'export', await watcherOf(request.principal, book));
    reply
      .header('content-type', `${MEDIA_TYPES[format]}; charset=utf-8`)
      .header('content-disposition', `attachment; filename="batch-${id}.${format}"`)
      .header('cache-control', 'no-store')
      .header('vary', 'accept');
    if (!watch) return reply.send('');
    const body = Readable.from(exportText({ store, batchId: id, status: request.query.status, format, turn }), { objectMode: false });
    body.once('close', watch.close);
    // The server closing: cut the connection at once, without its final chunk (the client sees an
    // error, not a short file), then the body, whose read under way may still take a moment.
    watch.controller.signal.addEventListener('abort', () => {
      reply.raw.destroy();
      body.destroy();
    }, { once: true });
    // The documented 200 body is the text this stream carries.
    return reply.send(body as unknown as string);
  });
};
