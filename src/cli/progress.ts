/**
 * Following a batch to its end for `clientflow watch` and `submit --watch`. The batch's event
 * stream (client.watch, replayed from its first event) gives the counters (`batch.progress`),
 * each stage's counts and every failure as it happens. What is shown depends on where it goes:
 * a terminal gets a live block (log-update rewrites it in place) with per-stage counts, a bar,
 * the rate and an ETA, failures printed above it; anything else gets plain lines (a progress line
 * at most once a second, one line per failure); --json gets every event as one JSON line.
 */
import { createLogUpdate } from 'log-update';
import type { Batch, Clientflow, WatchedEvent } from '../client/index.js';

type Stage = 'fetch' | 'process' | 'store';
const STAGES: Stage[] = ['fetch', 'process', 'store'];
type Progress = Batch['progress'];
interface StageCounts { running: number; succeeded: number; failed: number; retrying: number }

export interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** How far a watched batch is: what the display shows. */
class Tracker {
  readonly stages = Object.fromEntries(STAGES.map((s) => [s, { running: 0, succeeded: 0, failed: 0, retrying: 0 }])) as Record<Stage, StageCounts>;
  progress: Progress | null = null;
  status = 'queued';
  readonly started = Date.now();
  /** (time, finished) samples of the last few seconds, for the rate. */
  readonly #samples: Array<[number, number]> = [];

  /** Counts one event; returns a line to show when it is a failure. */
  apply(event: WatchedEvent): string | null {
    if (event.type === 'batch.progress') {
      this.progress = event.progress;
      this.status = event.status;
      this.#samples.push([Date.now(), finished(event.progress)]);
      while (this.#samples.length > 2 && Date.now() - this.#samples[0]![0] > 5000) this.#samples.shift();
      return null;
    }
    if (!event.type.startsWith('stage.')) return null;
    const { stage } = event as { stage: Stage };
    const counts = this.stages[stage];
    if (event.type === 'stage.started') counts.running += 1;
    else counts.running = Math.max(0, counts.running - 1);
    if (event.type === 'stage.succeeded') counts.succeeded += 1;
    if (event.type === 'stage.retrying') counts.retrying += 1;
    if (event.type === 'stage.failed') {
      counts.failed += 1;
      return `failed: client ${JSON.stringify(event.clientId)} at ${event.stage} (attempt ${event.attempt}): ${event.error.code}: ${event.error.message}`;
    }
    return null;
  }

  /** Workflows finished per second over the last few seconds, or null before there are two samples. */
  rate(): number | null {
    const first = this.#samples[0];
    const last = this.#samples.at(-1);
    if (!first || !last || last[0] === first[0]) return null;
    return ((last[1] - first[1]) * 1000) / (last[0] - first[0]);
  }
}

const finished = (p: Progress) => p.succeeded + p.failed + p.canceled;
const seconds = (ms: number) => (ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`);

function bar(percent: number, width = 24): string {
  const full = Math.round((percent / 100) * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

/** The live block a terminal shows. */
function block(batchId: string, t: Tracker): string {
  const p = t.progress;
  const done = p ? finished(p) : 0;
  const total = p?.total ?? 0;
  const rate = t.rate();
  const eta = rate && rate > 0 && p ? seconds(((total - done) / rate) * 1000) : '–';
  return [
    `batch ${batchId}  ${t.status}  ${done}/${total} finished  ${bar(p?.percent ?? 0)} ${(p?.percent ?? 0).toFixed(0)}%`,
    ...STAGES.map((s) => {
      const c = t.stages[s];
      return `  ${s.padEnd(8)} running ${String(c.running).padStart(5)}  succeeded ${String(c.succeeded).padStart(7)}  failed ${String(c.failed).padStart(5)}  retried ${String(c.retrying).padStart(5)}`;
    }),
    `  succeeded ${p?.succeeded ?? 0}  failed ${p?.failed ?? 0}  canceled ${p?.canceled ?? 0}  `
      + `rate ${rate === null ? '–' : `${rate.toFixed(0)}/s`}  elapsed ${seconds(Date.now() - t.started)}  ETA ${eta}`,
  ].join('\n');
}

/** One plain progress line. */
function line(batchId: string, t: Tracker): string {
  const p = t.progress;
  return `batch ${batchId} ${t.status}: ${p ? finished(p) : 0}/${p?.total ?? 0} finished, ${p?.succeeded ?? 0} succeeded, ${p?.failed ?? 0} failed, ${p?.canceled ?? 0} canceled (${(p?.percent ?? 0).toFixed(0)}%)`;
}

/** Shows the batch's events until it finishes; resolves with the finished batch. */
export async function follow(client: Clientflow, batchId: string, io: { out: Out; json: boolean }): Promise<Batch> {
  const tracker = new Tracker();
  const live = !io.json && io.out.isTTY === true ? createLogUpdate(io.out as NodeJS.WriteStream) : null;
  let shownAt = 0;
  try {
    for await (const event of client.watch(batchId)) {
      if (io.json) {
        io.out.write(`${JSON.stringify(event)}\n`);
        continue;
      }
      const failure = tracker.apply(event);
      if (live) {
        if (failure) live.persist(failure);
        if (failure || Date.now() - shownAt >= 100) {
          live(block(batchId, tracker));
          shownAt = Date.now();
        }
      } else {
        if (failure) io.out.write(`${failure}\n`);
        if (event.type === 'batch.progress' && Date.now() - shownAt >= 1000) {
          io.out.write(`${line(batchId, tracker)}\n`);
          shownAt = Date.now();
        }
      }
    }
    const batch = await client.getBatch(batchId);
    // The last counters may be a moment old: the block ends with the final ones.
    tracker.progress = batch.progress;
    tracker.status = batch.status;
    live?.(block(batchId, tracker));
    return batch;
  } finally {
    live?.done();
  }
}

/** The last lines: the outcome, and the failed workflows (the first `max`) with why. */
export async function summary(client: Clientflow, batch: Batch, out: Out, max = 20): Promise<void> {
  const p = batch.progress;
  const took = batch.timings.elapsedMs === null ? '' : ` in ${seconds(batch.timings.elapsedMs)}`;
  out.write(`batch ${batch.id} ${batch.status}${took}: ${p.succeeded} succeeded, ${p.failed} failed, ${p.canceled} canceled of ${p.total}\n`);
  if (p.failed === 0) return;
  out.write('failed workflows (clientflow failed <batch> lists them all):\n');
  let shown = 0;
  for await (const w of client.workflows(batch.id, { status: 'failed', limit: max })) {
    out.write(`  client ${JSON.stringify(w.clientId)}: ${w.error ? `${w.error.stage}: ${w.error.code}: ${w.error.message}` : 'failed'}\n`);
    if (++shown >= max) break;
  }
  if (p.failed > shown) out.write(`  … and ${p.failed - shown} more\n`);
}
