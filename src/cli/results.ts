/**
 * What a caller reads back after a run, over the typed client: `export` (a batch's results as
 * NDJSON or CSV, streamed to a file or stdout), `failed` (one batch's failed workflows, or every
 * batch's), `webhooks failed` and `webhooks redeliver`. Plain lines, or --json lines.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadable } from 'node:stream/web';
import type { ExportFormat, StageName, Workflow, WorkflowStatus } from '../client/index.js';
import { UsageError } from './batches.js';
import type { CommandInput } from './commands.js';
import { EXIT, connect, jsonLine, stringOption } from './connection.js';

const FORMATS: readonly ExportFormat[] = ['ndjson', 'csv'];
const STAGES: readonly StageName[] = ['fetch', 'process', 'store'];

/**
 * `clientflow export BATCH [--format ndjson|csv] [--output FILE] [--status S]`: the service's
 * bytes as they come. A file is written beside its name and renamed once the export is whole, so
 * an export cut short (the server closing, the network) never leaves a file that looks complete.
 */
export async function exportCommand(input: CommandInput): Promise<number> {
  const { options, out, err } = input;
  const format = (stringOption(options.format) ?? 'ndjson') as ExportFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  const status = stringOption(options.status) as WorkflowStatus | undefined;
  // The web stream as a Node one (the DOM and node:stream/web typings of one object differ).
  const body = Readable.fromWeb((await connect(input).download(input.args[0]!, format, status ? { status } : {})) as unknown as WebReadable);
  const file = stringOption(options.output);
  if (file === undefined || file === '-') {
    body.setEncoding('utf8');
    for await (const chunk of body) await write(out, chunk as string);
    return EXIT.ok;
  }
  const partial = `${file}.partial`;
  try {
    await pipeline(body, createWriteStream(partial));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  err.write(`batch ${input.args[0]} exported to ${file} (${format})\n`);
  return EXIT.ok;
}

/** Writes to stdout, waiting while it is full (a pipe into a slow reader). */
async function write(out: CommandInput['out'], text: string): Promise<void> {
  const stream = out as CommandInput['out'] & { once?: unknown };
  if (out.write(text) === false && typeof stream.once === 'function') await once(stream as NodeJS.WritableStream, 'drain');
}

/**
 * `clientflow failed [BATCH]`: a batch's failed workflows, or with no batch every batch's the
 * key may see, newest failure first (--stage, --error-code, --since, --tenant narrow those).
 */
export async function failedCommand(input: CommandInput): Promise<number> {
  const { options, out, args } = input;
  const client = connect(input);
  const stage = stringOption(options.stage) as StageName | undefined;
  if (stage !== undefined && !STAGES.includes(stage)) throw new UsageError(`--stage must be one of ${STAGES.join(', ')}`);
  const errorCode = stringOption(options['error-code']);
  const since = stringOption(options.since);
  const tenant = stringOption(options.tenant);
  const batchId = args[0];
  if (batchId !== undefined && (since !== undefined || tenant !== undefined)) {
    throw new UsageError('--since and --tenant list failures across batches: give them without a batch');
  }
  const workflows: AsyncGenerator<Workflow> = batchId === undefined
    ? client.failed({ ...(stage && { stage }), ...(errorCode && { errorCode }), ...(since && { since }), ...(tenant && { tenant }) })
    : client.workflows(batchId, { status: 'failed' });
  for await (const w of workflows) {
    // One batch's list is filtered here; the service filters the one across batches.
    if (batchId !== undefined && ((stage && w.error?.stage !== stage) || (errorCode && w.error?.code !== errorCode))) continue;
    if (options.json) jsonLine(out, w);
    else {
      const where = batchId === undefined ? `${w.batchId}\t${w.finishedAt ?? ''}\t` : '';
      await write(out, `${where}${JSON.stringify(w.clientId)}\t${w.error?.stage ?? ''}\t${w.error?.code ?? ''}\t${w.error?.message ?? ''}\n`);
    }
  }
  return EXIT.ok;
}

/** `clientflow webhooks failed`: the batches whose webhook delivery failed. */
export async function failedWebhooks(input: CommandInput): Promise<number> {
  const { options, out } = input;
  const tenant = stringOption(options.tenant);
  for await (const d of connect(input).failedWebhooks(tenant ? { tenant } : {})) {
    if (options.json) jsonLine(out, d);
    else out.write(`${d.batchId}\t${d.finishedAt ?? ''}\t${d.webhook.url}\t${d.webhook.attempts} attempts\t${d.webhook.lastError ?? ''}\n`);
  }
  return EXIT.ok;
}

/** `clientflow webhooks redeliver BATCH`: sends a failed delivery again. */
export async function redeliver(input: CommandInput): Promise<number> {
  const batch = await connect(input).redeliver(input.args[0]!);
  if (input.options.json) jsonLine(input.out, batch);
  else input.out.write(`batch ${batch.id}: webhook due again (${batch.webhook?.url ?? ''})\n`);
  return EXIT.ok;
}
