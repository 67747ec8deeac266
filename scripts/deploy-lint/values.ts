/** Narrowing for parsed YAML and JSON, which arrive as `unknown`. */
export type Dict = Record<string, unknown>;

export const isDict = (v: unknown): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
export const dict = (v: unknown): Dict => (isDict(v) ? v : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A scalar as text: YAML reads `3000` or `true` as a number or a boolean where compose means text. */
export const text = (v: unknown): string | undefined =>
  (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);

/** Reports one problem of one file; the lint prints `file: message`. */
export type Report = (file: string, message: string) => void;
