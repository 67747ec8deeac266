/**
 * The `clientflow` command's subcommands: one entry of COMMANDS each. `runCli` picks the entry by
 * the first argument and reads the rest with `node:util` parseArgs (the entry's options, strict),
 * so a new subcommand is a new entry and the file that runs it. Exit codes: 0 done (a batch that
 * succeeded), 1 failed (a batch that failed or was canceled; or one line on stderr saying why),
 * 2 not understood (the usage on stderr), 3 the service cannot be reached or refuses the key.
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { backup } from './backup.js';
import { UsageError, cancel, list, retry, status, submit, watch } from './batches.js';
import { completionScript } from './completion.js';
import { CONNECTION_OPTIONS, EXIT, failureOf } from './connection.js';
import { exportCommand, failedCommand, failedWebhooks, redeliver } from './results.js';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, pauseSchedule, resumeSchedule } from './schedules.js';
import { QUOTA_OPTIONS, createKey, listKeys, listTenants, revokeKey, setTenant } from './tenants.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  /** A terminal (isTTY) gets live progress; anything else plain lines. */
  out: { write(text: string): unknown; isTTY?: boolean };
  err: { write(text: string): unknown };
  /** Where `submit` reads ids when given none (stdin). */
  in?: AsyncIterable<Buffer | string> & { isTTY?: boolean };
}

export interface CommandInput extends CliIo {
  /** The positional arguments, as many as the entry's `args` names. */
  args: string[];
  /** The options parsed by the entry's `options`. */
  options: Record<string, string | boolean | undefined>;
}

export interface Command {
  /** The positional arguments, named as the usage shows them; `[ID...]` takes any number. */
  args: string[];
  options?: ParseArgsOptionsConfig;
  /** One line for the usage. */
  summary: string;
  /** Resolves with the exit code; throws to fail (exit 1, its message on stderr). */
  run(input: CommandInput): Promise<number>;
}

/** A command that talks to a running service: --url, --key and --json besides its own options. */
const api = (options: ParseArgsOptionsConfig = {}): ParseArgsOptionsConfig => ({ ...CONNECTION_OPTIONS, ...options });

export const COMMANDS: Record<string, Command> = {
  submit: {
    args: ['[ID...]'],
    options: api({
      file: { type: 'string' }, format: { type: 'string' }, label: { type: 'string' }, priority: { type: 'string' },
      'flow-key': { type: 'string' }, stages: { type: 'string' }, 'idempotency-key': { type: 'string' }, watch: { type: 'boolean' },
      simulation: { type: 'string' },
    }),
    summary: 'submit a batch: ids as arguments, --file FILE or stdin (--format plain|csv|ndjson); '
      + '--label, --priority N, --flow-key, --stages, --idempotency-key, --simulation JSON; --watch follows it to the end',
    run: submit,
  },
  watch: { args: ['BATCH'], options: api(), summary: 'follow a batch to its end: live progress in a terminal, plain lines otherwise', run: watch },
  status: { args: ['BATCH'], options: api({ wait: { type: 'boolean' } }), summary: 'a batch\'s state and failures (--wait: once it has finished)', run: status },
  list: {
    args: [],
    options: api({ status: { type: 'string' }, tenant: { type: 'string' }, limit: { type: 'string' } }),
    summary: 'the newest batches (--status S, --tenant ID, --limit N; default 20)',
    run: list,
  },
  cancel: { args: ['BATCH'], options: api(), summary: 'cancel a batch', run: cancel },
  retry: {
    args: ['BATCH'],
    options: api({ 'include-canceled': { type: 'boolean' }, watch: { type: 'boolean' } }),
    summary: 'requeue a batch\'s failed workflows (--include-canceled, --watch)',
    run: retry,
  },
  failed: {
    args: ['[BATCH]'],
    options: api({ stage: { type: 'string' }, 'error-code': { type: 'string' }, since: { type: 'string' }, tenant: { type: 'string' } }),
    summary: 'failed workflows: client id, stage, code, message — of a batch, or of every batch newest first with batch id and time '
      + '(--stage S, --error-code C; across batches also --since ISO-TIME, --tenant ID)',
    run: failedCommand,
  },
  export: {
    args: ['BATCH'],
    options: api({ format: { type: 'string' }, output: { type: 'string' }, status: { type: 'string' } }),
    summary: 'a batch\'s results, one line per workflow, streamed (--format ndjson|csv, --output FILE, --status S)',
    run: exportCommand,
  },
  'webhooks failed': { args: [], options: api({ tenant: { type: 'string' } }), summary: 'batches whose webhook delivery failed (--tenant ID)', run: failedWebhooks },
  'webhooks redeliver': { args: ['BATCH'], options: api(), summary: 'send a batch\'s failed webhook again', run: redeliver },
  'schedules create': {
    args: ['[ID...]'],
    options: api({
      cron: { type: 'string' }, timezone: { type: 'string' }, 'every-ms': { type: 'string' }, name: { type: 'string' }, label: { type: 'string' },
      'flow-key': { type: 'string' }, overlap: { type: 'string' }, 'catch-up': { type: 'string' }, 'jitter-ms': { type: 'string' },
      simulation: { type: 'string' }, paused: { type: 'boolean' }, file: { type: 'string' }, format: { type: 'string' },
    }),
    summary: 'submit a batch on a schedule: --cron EXPR [--timezone TZ] or --every-ms N; ids as for submit; --name, --label '
      + '("{tick}" becomes the tick\'s time), --flow-key, --overlap skip|allow|cancel, --catch-up none|latest|all, --jitter-ms N, --paused',
    run: createSchedule,
  },
  'schedules list': { args: [], options: api({ tenant: { type: 'string' } }), summary: 'schedules with their next run and last tick', run: listSchedules },
  'schedules show': { args: ['SCHEDULE'], options: api(), summary: 'a schedule\'s next runs and recent ticks', run: getSchedule },
  'schedules pause': { args: ['SCHEDULE'], options: api(), summary: 'pause a schedule on every replica', run: pauseSchedule },
  'schedules resume': { args: ['SCHEDULE'], options: api(), summary: 'resume a schedule from the next tick after now', run: resumeSchedule },
  'schedules delete': { args: ['SCHEDULE'], options: api(), summary: 'delete a schedule (its batches stay)', run: deleteSchedule },
  completion: { args: ['SHELL'], summary: 'print the completion script for bash or zsh (e.g. source <(clientflow completion bash))',
    run: async ({ args, out }) => {
      out.write(completionScript(args[0]!, COMMANDS));
      return 0;
    },
  },
  backup: {
    args: ['FILE'],
    summary: 'copy the SQLite database to FILE while the server runs (PostgreSQL: prints the pg_dump command)',
    run: ({ args, env, out }) => backup(args[0]!, env, out),
  },
  'keys create': {
    args: [],
    options: { tenant: { type: 'string' }, admin: { type: 'boolean' }, label: { type: 'string' } },
    summary: 'make an API key for a tenant (--tenant ID [--admin] [--label TEXT]); prints it once',
    run: createKey,
  },
  'keys list': {
    args: [],
    options: { tenant: { type: 'string' } },
    summary: 'list API keys, revoked ones too ([--tenant ID])',
    run: listKeys,
  },
  'keys revoke': { args: ['ID'], summary: 'revoke an API key', run: revokeKey },
  'tenants list': { args: [], summary: 'list tenants and the quotas set for them', run: listTenants },
  'tenants set': {
    args: ['ID'],
    options: {
      reset: { type: 'boolean' },
      ...Object.fromEntries(Object.keys(QUOTA_OPTIONS).map((o) => [o, { type: 'string' as const }])),
      'flow-keys': { type: 'string' },
    },
    summary: `set a tenant's quotas (${Object.keys(QUOTA_OPTIONS).map((o) => `--${o} ${o === 'max-running' ? 'N|none' : 'N'}`).join(', ')}; `
      + '--flow-keys K,K|none grants shared flow/CRM keys; --reset first clears them)',
    run: setTenant,
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  clientflow ${[name, ...c.args].join(' ').padEnd(24)} ${c.summary}`);
  return `usage: clientflow <command>\n\ncommands:\n${lines.join('\n')}\n\n`
    + 'submit, watch, status, list, cancel, retry, failed, export, webhooks and schedules talk to a running service: --url (or\n'
    + 'CLIENTFLOW_URL, default '
    + 'http://127.0.0.1:3000), --key (or CLIENTFLOW_KEY), --json for JSON lines. Exit codes: 0 succeeded, 1 failed\n'
    + 'or canceled, 2 usage, 3 cannot reach the service or not authorised.\n'
    + 'backup, keys and tenants work on the store itself: the server\'s configuration, the same environment variables\n'
    + '(docs/reference/configuration.md).\n';
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // A command is one word (backup) or two (keys create).
  const two = argv.length >= 2 ? `${argv[0]} ${argv[1]}` : '';
  const [name, ...rest] = Object.hasOwn(COMMANDS, two) ? [two, ...argv.slice(2)] : argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out.write(usage());
    return 0;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err.write(`${name === undefined ? 'clientflow: a command is needed' : `clientflow: unknown command ${JSON.stringify(name)}`}\n${usage()}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs<{ options: ParseArgsOptionsConfig; allowPositionals: true; strict: true; args: string[] }>>;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
    // [NAME] is optional, [NAME...] any number.
    const variadic = command.args.at(-1)?.endsWith('...]') === true;
    const required = command.args.filter((a) => !a.startsWith('[')).length;
    const n = parsed.positionals.length;
    if (n < required || (!variadic && n > command.args.length)) {
      throw new Error(`expected ${command.args.join(' ') || 'no argument'}, got ${parsed.positionals.length} argument(s)`);
    }
  } catch (error) {
    io.err.write(`clientflow ${name}: ${(error as Error).message}\nusage: clientflow ${[name, ...command.args].join(' ')}\n`);
    return 2;
  }
  try {
    return await command.run({ ...io, args: parsed.positionals, options: parsed.values as CommandInput['options'] });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`clientflow ${name}: ${error.message}\nusage: clientflow ${[name, ...command.args].join(' ')}\n`);
      return EXIT.usage;
    }
    const failure = failureOf(error) ?? { code: EXIT.failed, message: (error as Error).message };
    io.err.write(`clientflow ${name}: ${failure.message}\n`);
    return failure.code;
  }
}
