/**
 * The commands that work a running service through its API (the typed client, src/client):
 * submit, watch, status, list, cancel, retry (results.ts: export, failed, webhooks). Each prints plain lines, or with --json
 * JSON (one document per line); exit codes are connection.ts's.
 */
import { readFile } from 'node:fs/promises';
import type { BatchCreate, BatchStatus } from '../client/index.js';
import { ID_FORMATS, formatOf, parseIds, type IdFormat } from './client-ids.js';
import type { CommandInput } from './commands.js';
import { EXIT, connect, exitCodeOf, jsonLine, stringOption } from './connection.js';
import { follow, summary } from './progress.js';

/** Reads all of stdin. */
async function readStdin(input: NonNullable<CommandInput['in']>): Promise<string> {
  let text = '';
  for await (const chunk of input) text += String(chunk);
  return text;
}

/** The ids to submit: the arguments, else --file (- for stdin), else stdin when it is not a terminal. */
export async function idsOf({ args, options, in: input }: CommandInput): Promise<Array<string | number>> {
  const file = stringOption(options.file);
  const format = (stringOption(options.format) ?? formatOf(file)) as IdFormat;
  if (!ID_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${ID_FORMATS.join(', ')}`);
  if (args.length > 0) {
    if (file !== undefined) throw new UsageError('give ids as arguments or with --file, not both');
    return parseIds(args.join('\n'), format);
  }
  if (file !== undefined && file !== '-') return parseIds(await readFile(file, 'utf8'), format);
  if (!input || (file === undefined && input.isTTY)) throw new UsageError('no client ids: give them as arguments, with --file FILE, or on stdin');
  return parseIds(await readStdin(input), format);
}

/** A mistake in the command line: exit 2. */
export class UsageError extends Error {}

export function integer(value: string | boolean | undefined, name: string): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${name} must be an integer`);
  return Number(value);
}

export function jsonOption(value: string, name: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    throw new UsageError(`--${name} must be JSON, e.g. '{"fetchMs":0,"failureRate":0.1}'`);
  }
}

export async function submit(input: CommandInput): Promise<number> {
  const { options, out } = input;
  const clientIds = await idsOf(input);
  if (clientIds.length === 0) throw new UsageError('no client ids: the input held none');
  const body: BatchCreate = { clientIds };
  const label = stringOption(options.label);
  const priority = integer(options.priority, 'priority');
  const flowKey = stringOption(options['flow-key']);
  const stages = stringOption(options.stages);
  if (label !== undefined) body.label = label;
  if (priority !== undefined) body.priority = priority;
  if (flowKey !== undefined) body.flowKey = flowKey;
  if (stages !== undefined) body.stages = stages as BatchCreate['stages'];
  const simulation = stringOption(options.simulation);
  if (simulation !== undefined) body.simulation = jsonOption(simulation, 'simulation') as BatchCreate['simulation'];
  const client = connect(input);
  const idempotencyKey = stringOption(options['idempotency-key']);
  const batch = await client.submit(body, idempotencyKey ? { idempotencyKey } : {});
  if (options.json) jsonLine(out, batch);
  else out.write(`batch ${batch.id} accepted: ${batch.progress.total} clients\n`);
  if (!options.watch) return EXIT.ok;
  return followToEnd(input, batch.id);
}

async function followToEnd(input: CommandInput, batchId: string): Promise<number> {
  const client = connect(input);
  const json = input.options.json === true;
  const batch = await follow(client, batchId, { out: input.out, json });
  if (json) jsonLine(input.out, batch);
  else await summary(client, batch, input.out);
  return exitCodeOf(batch);
}

export const watch = (input: CommandInput) => followToEnd(input, input.args[0]!);

export async function status(input: CommandInput): Promise<number> {
  const client = connect(input);
  const id = input.args[0]!;
  const batch = input.options.wait ? await client.wait(id) : await client.getBatch(id);
  if (input.options.json) jsonLine(input.out, batch);
  else await summary(client, batch, input.out);
  return exitCodeOf(batch);
}

export async function list(input: CommandInput): Promise<number> {
  const { options, out } = input;
  const client = connect(input);
  const limit = integer(options.limit, 'limit') ?? 20;
  const query = {
    limit: Math.min(limit, 1000),
    ...(stringOption(options.status) && { status: stringOption(options.status) as BatchStatus }),
    ...(stringOption(options.tenant) && { tenant: stringOption(options.tenant)! }),
  };
  let shown = 0;
  for await (const b of client.batches(query)) {
    if (options.json) jsonLine(out, b);
    else {
      const p = b.progress;
      out.write(`${b.id}  ${b.status.padEnd(9)}  ${String(p.succeeded).padStart(7)} ok ${String(p.failed).padStart(6)} failed of ${String(p.total).padEnd(7)}  ${b.createdAt}  ${b.label ?? ''}\n`);
    }
    if (++shown >= limit) break;
  }
  return EXIT.ok;
}

export async function cancel(input: CommandInput): Promise<number> {
  const batch = await connect(input).cancel(input.args[0]!);
  if (input.options.json) jsonLine(input.out, batch);
  else input.out.write(`batch ${batch.id} ${batch.status}: cancel accepted; running workflows end canceled shortly\n`);
  return EXIT.ok;
}

export async function retry(input: CommandInput): Promise<number> {
  const batch = await connect(input).retry(input.args[0]!, { includeCanceled: input.options['include-canceled'] === true });
  if (input.options.json) jsonLine(input.out, batch);
  else input.out.write(`batch ${batch.id} ${batch.status}: failed workflows requeued${input.options['include-canceled'] ? ' (and canceled ones)' : ''}\n`);
  return input.options.watch ? followToEnd(input, batch.id) : EXIT.ok;
}
