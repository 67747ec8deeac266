/**
 * What any PostgreSQL database this service opens needs, whoever owns it (the store, the caller's
 * results table, the tests): a pool of `pg` clients, identifier quoting, which errors mean "the
 * database is unavailable" rather than a bug, and a URL safe to print. Knows no table of anyone's.
 */
import pg from 'pg';

/** bigint columns (epoch ms, keys, sums) read as JS numbers: every value this service keeps is far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/**
 * A pool whose connections work in `schema` (tests give each store a schema of its own). A
 * session that sits in a transaction without sending anything for `idleInTransactionMs` is ended
 * by the server: this service never pauses inside a transaction, so that is a frozen process (a
 * VM pause, SIGSTOP) holding row locks every other replica is waiting for.
 */
export function openPool(url: string, schema: string, max: number, idleInTransactionMs: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url, max, types, connectionTimeoutMillis: 10_000,
    options: `-c search_path=${quoteIdent(schema)} -c idle_in_transaction_session_timeout=${Math.round(idleInTransactionMs)}`,
  });
  // An idle client whose connection dropped (a server restart): the pool replaces it; without a
  // listener the error would crash the process.
  pool.on('error', () => {});
  return pool;
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * SQLSTATE classes that say the database cannot take work now, not that a statement is wrong:
 * 08 connection exceptions, 25P03 the session ended idle in a transaction (this process was
 * frozen), 53 insufficient resources (disk full, out of memory, too many connections), 57 operator
 * intervention (shutdown, cancel), 58 system errors (I/O); and Node's
 * socket errors when the server is gone.
 */
const UNAVAILABLE_STATE = /^(08|25P03|53|57|58)/;
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);

export function isUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (UNAVAILABLE_STATE.test(code) || UNAVAILABLE_SOCKET.has(code))) return true;
  // pg's own errors when a connection ends or cannot be had in time carry no code.
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

/** Deadlock (40P01) or serialization failure (40001): the transaction did nothing and may run again. */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40P01' || code === '40001';
}

/** A pg error's SQLSTATE or a socket's code, for messages; never its text, which may name the host. */
export function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'connection lost';
}

/** A database URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unreadable URL)';
  }
}
