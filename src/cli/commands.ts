/**
 * The `clientflow` command's subcommands: one entry of COMMANDS each. `runCli` picks the entry by
 * the first argument and reads the rest with `node:util` parseArgs (the entry's options, strict),
 * so a new subcommand is a new entry and the file that runs it. Exit codes: 0 done, 1 failed
 * (one line on stderr saying why), 2 not understood (the usage on stderr).
 */
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { backup } from './backup.js';
import { QUOTA_OPTIONS, createKey, listKeys, listTenants, revokeKey, setTenant } from './tenants.js';

export interface CliIo {
  env: Record<string, string | undefined>;
  out: { write(text: string): unknown };
  err: { write(text: string): unknown };
}

export interface CommandInput extends CliIo {
  /** The positional arguments, as many as the entry's `args` names. */
  args: string[];
  /** The options parsed by the entry's `options`. */
  options: Record<string, string | boolean | undefined>;
}

export interface Command {
  /** The positional arguments, named as the usage shows them. */
  args: string[];
  options?: ParseArgsOptionsConfig;
  /** One line for the usage. */
  summary: string;
  /** Resolves with the exit code; throws to fail (exit 1, its message on stderr). */
  run(input: CommandInput): Promise<number>;
}

export const COMMANDS: Record<string, Command> = {
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
    },
    summary: `set a tenant's quotas (--${Object.keys(QUOTA_OPTIONS).join(' N, --')} N|none; --reset first clears them)`,
    run: setTenant,
  },
};

export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  clientflow ${[name, ...c.args].join(' ').padEnd(24)} ${c.summary}`);
  return `usage: clientflow <command>\n\ncommands:\n${lines.join('\n')}\n\nThe configuration is the server's: the same environment variables (docs/reference/configuration.md).\n`;
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
    if (parsed.positionals.length !== command.args.length) {
      throw new Error(`expected ${command.args.join(' ') || 'no argument'}, got ${parsed.positionals.length} argument(s)`);
    }
  } catch (error) {
    io.err.write(`clientflow ${name}: ${(error as Error).message}\nusage: clientflow ${[name, ...command.args].join(' ')}\n`);
    return 2;
  }
  try {
    return await command.run({ ...io, args: parsed.positionals, options: parsed.values as CommandInput['options'] });
  } catch (error) {
    io.err.write(`clientflow ${name}: ${(error as Error).message}\n`);
    return 1;
  }
}
