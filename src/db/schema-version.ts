/**
 * A database migrated by a newer release than the one starting on it: refused at start, in one
 * line, before anything is written (the SQLite store and every PostgreSQL migration runner).
 */
export function newerSchema(applied: number, known: number): string {
  return `it was migrated by a newer clientflow (schema version ${applied}; this release knows ${known}): `
    + 'run that release or a newer one, or restore a backup taken before it';
}
