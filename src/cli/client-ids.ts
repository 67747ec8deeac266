/**
 * Client ids for `clientflow submit`, from arguments, a file or stdin, written plain (one id per
 * line or space-separated), as CSV (the first column; a header row named id or clientId is
 * skipped) or as NDJSON (each line an id, or an object with clientId). An id of digits only is
 * sent as a number, anything else as a string: "007" stays a string (a number would lose the 0s),
 * in NDJSON the JSON type decides.
 */
export type IdFormat = 'plain' | 'csv' | 'ndjson';
export const ID_FORMATS: readonly IdFormat[] = ['plain', 'csv', 'ndjson'];

/** The format a file's name says (.csv, .ndjson, .jsonl), else plain. */
export function formatOf(file: string | undefined): IdFormat {
  if (file?.endsWith('.csv')) return 'csv';
  if (file?.endsWith('.ndjson') || file?.endsWith('.jsonl')) return 'ndjson';
  return 'plain';
}

/** "42" → 42; "007", "acme-1" and digits past 2^53 stay strings. */
export function idOf(text: string): string | number {
  return /^(0|[1-9][0-9]*)$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : text;
}

/** The ids in `text` written in `format`; throws naming the line of anything it cannot read. */
export function parseIds(text: string, format: IdFormat): Array<string | number> {
  const lines = text.split(/\r?\n/);
  if (format === 'plain') return lines.flatMap((l) => l.split(/[\s,]+/)).filter((t) => t !== '').map(idOf);
  const ids: Array<string | number> = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    if (format === 'csv') {
      const cell = firstCsvCell(line);
      if (i === 0 && /^(client_?)?id$/i.test(cell)) return;
      ids.push(idOf(cell));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`line ${i + 1} is not JSON`);
    }
    const id = typeof value === 'object' && value !== null ? (value as { clientId?: unknown }).clientId : value;
    if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`line ${i + 1} holds no client id (a string, a number or {"clientId": …})`);
    ids.push(id);
  });
  return ids;
}

/** The first cell of a CSV line: up to the first comma, or a quoted cell with "" for a quote. */
function firstCsvCell(line: string): string {
  const quoted = /^\s*"((?:[^"]|"")*)"/.exec(line);
  return quoted ? quoted[1]!.replaceAll('""', '"') : line.split(',')[0]!.trim();
}
