/**
 * `clientflow schedules …`: recurring batches through the API (/v1/schedules). Plain lines, or
 * with --json one JSON document per line; exit codes are connection.ts's.
 */
import type { Schedule, ScheduleCreate } from '../client/index.js';
import { UsageError, idsOf, integer, jsonOption } from './batches.js';
import type { CommandInput } from './commands.js';
import { EXIT, connect, jsonLine, stringOption } from './connection.js';

const when = (s: Schedule) => (s.cron !== null ? `cron ${JSON.stringify(s.cron)} ${s.timezone}` : `every ${s.everyMs} ms`);

function line(s: Schedule): string {
  const state = s.paused ? 'paused' : `next ${s.nextRuns[0] ?? 'none'}`;
  const last = s.recentTicks[0];
  const lastText = last ? `last ${last.outcome} ${last.tickAt}${last.batchId ? ` ${last.batchId}` : ''}${last.reason ? ` (${last.reason})` : ''}` : 'no tick yet';
  return `${s.id}  ${(s.name ?? '').padEnd(16)}  ${when(s).padEnd(32)}  ${state}  ${lastText}\n`;
}

function show(input: CommandInput, s: Schedule): number {
  if (input.options.json) jsonLine(input.out, s);
  else input.out.write(line(s));
  return EXIT.ok;
}

export async function createSchedule(input: CommandInput): Promise<number> {
  const { options } = input;
  const cron = stringOption(options.cron);
  const everyMs = integer(options['every-ms'], 'every-ms');
  if ((cron === undefined) === (everyMs === undefined)) throw new UsageError('give --cron EXPR (with --timezone TZ) or --every-ms N');
  const clientIds = await idsOf(input);
  if (clientIds.length === 0) throw new UsageError('no client ids: the input held none');
  const body: ScheduleCreate = { batch: { clientIds } };
  if (cron !== undefined) body.cron = cron;
  if (everyMs !== undefined) body.everyMs = everyMs;
  const text = (name: string) => stringOption(options[name]);
  if (text('timezone') !== undefined) body.timezone = text('timezone');
  if (text('name') !== undefined) body.name = text('name');
  if (text('label') !== undefined) body.batch.label = text('label');
  if (text('flow-key') !== undefined) body.batch.flowKey = text('flow-key');
  if (text('overlap') !== undefined) body.overlap = text('overlap') as ScheduleCreate['overlap'];
  if (text('catch-up') !== undefined) body.catchUp = text('catch-up') as ScheduleCreate['catchUp'];
  const jitterMs = integer(options['jitter-ms'], 'jitter-ms');
  if (jitterMs !== undefined) body.jitterMs = jitterMs;
  if (text('simulation') !== undefined) body.batch.simulation = jsonOption(text('simulation')!, 'simulation') as ScheduleCreate['batch']['simulation'];
  if (options.paused) body.paused = true;
  return show(input, await connect(input).createSchedule(body));
}

export async function listSchedules(input: CommandInput): Promise<number> {
  const tenant = stringOption(input.options.tenant);
  for await (const s of connect(input).schedules(tenant ? { tenant } : {})) show(input, s);
  return EXIT.ok;
}

export async function getSchedule(input: CommandInput): Promise<number> {
  const s = await connect(input).getSchedule(input.args[0]!);
  if (input.options.json) return show(input, s);
  input.out.write(line(s));
  for (const run of s.nextRuns) input.out.write(`  next  ${run}\n`);
  for (const t of s.recentTicks) input.out.write(`  ${t.outcome.padEnd(7)} ${t.tickAt}  ${t.batchId ?? t.reason ?? ''}\n`);
  return EXIT.ok;
}

export const pauseSchedule = async (input: CommandInput) => show(input, await connect(input).pauseSchedule(input.args[0]!));
export const resumeSchedule = async (input: CommandInput) => show(input, await connect(input).resumeSchedule(input.args[0]!));

export async function deleteSchedule(input: CommandInput): Promise<number> {
  await connect(input).deleteSchedule(input.args[0]!);
  if (!input.options.json) input.out.write(`schedule ${input.args[0]!} deleted (its batches stay)\n`);
  return EXIT.ok;
}
