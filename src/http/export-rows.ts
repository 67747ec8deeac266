/**
 * A batch's export as text: each workflow as one row (result-schemas.ts ExportRow), written as
 * NDJSON (one JSON document per line) or CSV (RFC 4180: a header row, CRLF line ends, a field
 * quoted when it holds a comma, a quote or a line break; csv-stringify writes it).
 *
 * CSV cells hold text only, so a client id's type is lost there ("1" and 1 both read 1; NDJSON
 * keeps it), the result is its JSON text, and a text cell starting with = + - @ or a tab or CR
 * gets a leading ' — client ids and error messages come from callers and CRMs, and a spreadsheet
 * would run such a cell as a formula.
 */
import { stringify } from 'csv-stringify/sync';
import type { Static } from 'typebox';
import { STAGES } from '../model/statuses.js';
import type { Workflow } from '../model/types.js';
import type { ExportFormat, ExportRow } from './result-schemas.js';

export type Row = Static<typeof ExportRow>;

export function exportRow(w: Workflow): Row {
  const stages = Object.fromEntries(w.stages.map((s) => [s.name, { status: s.status, attempts: s.attempts, durationMs: s.durationMs }]));
  return {
    workflowId: w.id, clientId: w.clientId, status: w.status, finishedAt: w.finishedAt, durationMs: w.durationMs,
    result: w.result, error: w.error, stages: stages as Row['stages'],
  };
}

/** The CSV columns, in order: the row's fields flattened, the result (the widest) last. */
export const CSV_COLUMNS = [
  'workflowId', 'clientId', 'status', 'finishedAt', 'durationMs', 'errorStage', 'errorCode', 'errorMessage',
  ...STAGES.flatMap((s) => [`${s}Status`, `${s}Attempts`, `${s}DurationMs`]),
  'result',
] as const;

function csvCells(row: Row): Array<string | number | null> {
  return [
    row.workflowId, row.clientId, row.status, row.finishedAt, row.durationMs,
    row.error?.stage ?? null, row.error?.code ?? null, row.error?.message ?? null,
    ...STAGES.flatMap((s) => [row.stages[s].status, row.stages[s].attempts, row.stages[s].durationMs]),
    row.result === null ? null : JSON.stringify(row.result),
  ];
}

const CSV_OPTIONS = {
  record_delimiter: 'windows',
  // A line break of either kind inside a field is quoted, not only the record delimiter itself.
  quoted_match: /[\r\n]/,
  escape_formulas: true,
} as const;

/** What starts the export: the CSV header row; NDJSON has none. */
export function head(format: ExportFormat): string {
  return format === 'csv' ? stringify([[...CSV_COLUMNS]], CSV_OPTIONS) : '';
}

/** Workflows as lines of the format, each ending in its line break. */
export function lines(format: ExportFormat, workflows: readonly Workflow[]): string {
  if (format === 'csv') return stringify(workflows.map((w) => csvCells(exportRow(w))), CSV_OPTIONS);
  let text = '';
  for (const w of workflows) text += `${JSON.stringify(exportRow(w))}\n`;
  return text;
}

/** The media type of each format, as Content-Type and in Accept. */
export const MEDIA_TYPES: Record<ExportFormat, string> = { ndjson: 'application/x-ndjson', csv: 'text/csv' };
