/**
 * A batch's export (GET /v1/batches/{id}/results) read by the client: the raw body for a file
 * (`download`, either format), or the NDJSON rows one by one (`exportRows`). A server that cuts
 * an export (closing) ends the body without its final chunk: the read fails, so a partial
 * export is never taken for a whole one.
 */
import type { components } from './schema.js';

export type ExportRow = components['schemas']['ExportRow'];
export type ExportFormat = 'ndjson' | 'csv';

export interface ExportOptions {
  /** Only workflows with this status (when their page is read). */
  status?: components['schemas']['Workflow']['status'];
  signal?: AbortSignal;
}

interface Connection {
  url: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  /** The error for a refusal (status, problem body or null). */
  toError: (status: number, problem: unknown) => Error;
}

const MEDIA_TYPES: Record<ExportFormat, string> = { ndjson: 'application/x-ndjson', csv: 'text/csv' };

/** The export's body as it comes: NDJSON or CSV bytes. */
export async function download(c: Connection, batchId: string, format: ExportFormat, opts: ExportOptions = {}): Promise<NonNullable<Response['body']>> {
  const query = new URLSearchParams({ format, ...(opts.status && { status: opts.status }) });
  const url = `${c.url.replace(/\/$/, '')}/v1/batches/${encodeURIComponent(batchId)}/results?${query}`;
  const response = await c.fetch(url, { headers: { ...c.headers, accept: MEDIA_TYPES[format] }, signal: opts.signal });
  if (!response.ok || !response.body) throw c.toError(response.status, await response.json().catch(() => null));
  return response.body;
}

/** The NDJSON export's rows, one at a time, as the body arrives. */
export async function* exportRows(c: Connection, batchId: string, opts: ExportOptions = {}): AsyncGenerator<ExportRow> {
  const body = await download(c, batchId, 'ndjson', opts);
  let rest = '';
  for await (const text of body.pipeThrough(new TextDecoderStream())) {
    const lines = (rest + text).split('\n');
    rest = lines.pop()!;
    for (const line of lines) if (line !== '') yield JSON.parse(line) as ExportRow;
  }
  // Every row ends with its line break: text after the last one is a row cut short.
  if (rest !== '') throw new Error('the export ended in the middle of a row');
}
