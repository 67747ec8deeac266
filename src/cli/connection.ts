/**
 * What every command that talks to a running service shares: its options (--url, --key, --json),
 * the typed client they make, and the exit codes by outcome — 0 succeeded, 1 failed or canceled,
 * 3 the service cannot be reached or refuses the key (2, usage, is runCli's).
 */
import type { ParseArgsOptionsConfig } from 'node:util';
import { ApiError, UnreachableError, createClientflow, type Batch, type Clientflow } from '../client/index.js';
import type { CommandInput } from './commands.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export const CONNECTION_OPTIONS = {
  url: { type: 'string' },
  key: { type: 'string' },
  json: { type: 'boolean' },
} satisfies ParseArgsOptionsConfig;

export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;

/** The client for --url (else CLIENTFLOW_URL, else the local default) and --key (else CLIENTFLOW_KEY). */
export function connect({ options, env }: Pick<CommandInput, 'options' | 'env'>): Clientflow {
  const url = stringOption(options.url) ?? env.CLIENTFLOW_URL ?? DEFAULT_URL;
  const key = stringOption(options.key) ?? env.CLIENTFLOW_KEY;
  return createClientflow({ url, ...(key && { key }) });
}

export const stringOption = (value: string | boolean | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

/** 0 for a batch that succeeded (or has not finished), 1 for one that failed or was canceled. */
export const exitCodeOf = (batch: Batch): number => (batch.status === 'failed' || batch.status === 'canceled' ? EXIT.failed : EXIT.ok);

/**
 * The exit code and one line for an error a command let through: 3 when the service cannot be
 * reached or refuses the key, else 1 with the service's own words.
 */
export function failureOf(error: unknown): { code: number; message: string } | null {
  if (error instanceof UnreachableError) return { code: EXIT.unreachable, message: `${error.message} (set --url or CLIENTFLOW_URL)` };
  if (error instanceof ApiError) {
    const unauthorised = error.status === 401 || error.status === 403;
    const hint = error.status === 401 ? ' (set --key or CLIENTFLOW_KEY)' : '';
    return { code: unauthorised ? EXIT.unreachable : EXIT.failed, message: `${error.message}${hint}` };
  }
  return null;
}

/** Writes one JSON document per line (NDJSON): what --json prints. */
export const jsonLine = (out: CommandInput['out'], value: unknown): void => {
  out.write(`${JSON.stringify(value)}\n`);
};
