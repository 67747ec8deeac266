/**
 * One SSE stream of a batch's events: replay from the store after the client's last event id,
 * then live events, then the end after `batch.finished`.
 *
 * Every event comes with its store id, so resuming is exact: the stream subscribes before it
 * reads, drops what it already sent (ids only grow), and when it falls behind (a slow client,
 * a huge batch) it stops buffering and reads the store again. Memory per stream stays bounded
 * and the engine never waits for a client. Events another replica commits reach a stream as word
 * that the store has more (`onStale`): it reads them from there, in order.
 *
 * Hundreds of streams share one event loop with the engine, so a stream writes what it has in
 * one piece (framed by eventsource-encoder, each event's text encoded once for every stream),
 * then yields a turn of the loop before the next piece: streams take turns with each other and
 * with the engine instead of one replay holding the loop for a second. Catching up from the store
 * also waits for one of a few replay turns (`replayTurns`): 200 streams opened on a running batch
 * would otherwise read 200 pages per turn of the loop, and the engine, whose commits wait for the
 * same loop, would run at half speed until they caught up.
 */
import { encode } from 'eventsource-encoder';
import PQueue from 'p-queue';
import type { EngineEvents } from '../engine/events.js';
import type { EngineEvent } from '../model/events.js';
import { isFinished } from '../model/statuses.js';
import { iso } from '../model/stats.js';
import type { Batch } from '../model/types.js';
import type { Reads } from '../store/store.js';

export interface StreamOptions {
  store: Reads;
  events: EngineEvents;
  batchId: string;
  /** Send what has an id above this (0: everything). */
  afterId: number;
  /**
   * Event ids count up by one within the batch (a store that numbers them per batch, shared by
   * replicas): a live event that skips an id means another replica's events came in between, so
   * the stream reads the store instead of sending it out of order.
   */
  contiguous: boolean;
  /** Writes encoded SSE text; resolves when the socket can take more (backpressure). */
  write: (text: string) => Promise<void>;
  /** A live event as an encoded SSE message (sharedEncoder): shared by the streams that send it. */
  encodeEvent: (event: EngineEvent) => string;
  /** An event read from the store as an encoded SSE message (sharedReplayEncoder): shared by the streams that replay it. */
  encodeStored: (event: EngineEvent) => string;
  /** Aborted when the client goes away or the server closes. */
  signal: AbortSignal;
  /** The batch's view: `fresh`, or shared by the streams of one batch for a moment (sharedProgress). */
  progress: (fresh: boolean) => Promise<Batch | null>;
  /** Least time between two `batch.progress` messages. */
  progressMs: number;
  /**
   * Runs one page of catch-up from the store in its turn (replayTurns): only a few streams read
   * and encode the store at once, however many are behind.
   */
  replayTurn: <T>(read: () => Promise<T>) => Promise<T>;
}

/** Live events held in memory for one stream before it falls back to reading the store. */
const MAX_BUFFERED = 1_000;
/**
 * Events read from the store per query while catching up, and written as one piece: small enough
 * that a turn of the loop stays short when hundreds of streams replay at once.
 */
const PAGE = 200;

export async function streamBatchEvents(o: StreamOptions): Promise<void> {
  let lastId = o.afterId;
  let buffered: EngineEvent[] = [];
  /** True while the store holds events this stream has not buffered: read them from there. */
  let behind = true;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };

  const readStore = () => {
    behind = true;
    buffered = [];
    notify();
  };
  const unsubscribe = o.events.onBatch(o.batchId, (event) => {
    if (behind) return notify();
    const last = buffered.at(-1)?.id ?? lastId;
    if (buffered.length >= MAX_BUFFERED || (o.contiguous && event.id > last + 1)) return readStore();
    buffered.push(event);
    notify();
  }, readStore);
  o.signal.addEventListener('abort', notify, { once: true });

  /** The batch has finished as far as this stream has told its client (a retry reopens it). */
  let finished = false;
  let progressDue = false;
  let progressTimer: NodeJS.Timeout | null = null;
  const sendProgress = async (fresh: boolean) => {
    progressDue = false;
    const batch = await o.progress(fresh);
    if (!batch || o.signal.aborted) return null;
    await o.write(encode({
      event: 'batch.progress',
      data: JSON.stringify({ type: 'batch.progress', at: iso(Date.now()), batchId: batch.id, status: batch.status, progress: batch.progress }),
    }));
    return batch;
  };

  try {
    // A first message at once: the client sees where the batch stands before any event (a view
    // shared with the streams that opened in the same moment: hundreds may connect at once).
    const first = await sendProgress(false);
    finished = first !== null && isFinished(first.status);
    for (;;) {
      if (o.signal.aborted) return;
      let events: EngineEvent[];
      const fromStore = behind;
      if (behind) {
        behind = false;
        const after = lastId;
        events = await o.replayTurn(async () => (await o.store.listEvents(o.batchId, after, PAGE)) ?? []);
        if (events.length === PAGE) behind = true;
      } else {
        events = buffered;
        buffered = [];
      }
      let text = '';
      for (const event of events) {
        if (event.id <= lastId) continue;
        lastId = event.id;
        finished = event.type === 'batch.finished';
        // Live events are one object shared by every stream; replayed ones are read by each stream
        // itself, but their text is shared by id.
        text += fromStore ? o.encodeStored(event) : o.encodeEvent(event);
      }
      if (text) {
        await o.write(text);
        // Let the engine and the other streams have the loop before the next piece.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (events.length > 0 && !progressTimer && !finished) {
        progressTimer = setTimeout(() => {
          progressTimer = null;
          progressDue = true;
          notify();
        }, o.progressMs);
      }
      if (behind || buffered.length > 0) continue;
      if (finished) {
        // The final counters, then the end (EventSource clients close on batch.finished).
        if (events.length > 0) await sendProgress(true);
        return;
      }
      if (progressDue) await sendProgress(false);
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (behind || buffered.length > 0 || progressDue || o.signal.aborted) notify();
      });
    }
  } finally {
    unsubscribe();
    if (progressTimer) clearTimeout(progressTimer);
    o.signal.removeEventListener('abort', notify);
  }
}

/** An event as the API shows it: like every time in the API, `at` (and `nextAttemptAt`) in ISO-8601. */
export function wireEvent(event: EngineEvent): Record<string, unknown> {
  const wire: Record<string, unknown> = { ...event, at: iso(event.at) };
  if (event.type === 'stage.retrying') wire.nextAttemptAt = iso(event.nextAttemptAt);
  return wire;
}

/**
 * Encodes an event as an SSE message once for all the streams that send that same event object:
 * a live event is one object delivered to every stream of its batch, so a hundred streams cost one
 * JSON.stringify and one encode. (A replay reads its own objects from the store: those are shared
 * by id, sharedReplayEncoder.)
 */
export function sharedEncoder(): (event: EngineEvent) => string {
  const encoded = new WeakMap<EngineEvent, string>();
  return (event) => {
    let text = encoded.get(event);
    if (text === undefined) {
      text = encodeEvent(event);
      encoded.set(event, text);
    }
    return text;
  };
}

/**
 * Encodes events read from the store once for all the streams that replay them. Streams that fell
 * behind a running batch (200 on a 10,000-workflow batch) each read the same events again; an
 * event's text depends only on the event, which never changes once stored, and its id is unique
 * within its batch. The texts kept are bounded (`maxChars` in all); past it the oldest go first.
 */
export function sharedReplayEncoder(maxChars = 8_000_000, encodeOne: (event: EngineEvent) => string = encodeEvent): (event: EngineEvent) => string {
  const texts = new Map<string, string>();
  let chars = 0;
  return (event) => {
    const key = `${event.batchId} ${event.id}`;
    let text = texts.get(key);
    if (text === undefined) {
      text = encodeOne(event);
      texts.set(key, text);
      chars += text.length;
      for (const [oldest, dropped] of texts) {
        if (chars <= maxChars) break;
        texts.delete(oldest);
        chars -= dropped.length;
      }
    }
    return text;
  };
}

/** One event as an SSE message: `id:` its store id, `event:` its type, `data:` its wire JSON. */
function encodeEvent(event: EngineEvent): string {
  return encode({ id: String(event.id), event: event.type, data: JSON.stringify(wireEvent(event)) });
}

/**
 * The batch view for `batch.progress` messages, computed at most once per `ttlMs` per batch
 * however many streams watch it: a running batch's view costs a few indexed scans.
 */
export function sharedProgress(store: Reads, ttlMs: number): (batchId: string, fresh: boolean) => Promise<Batch | null> {
  const cache = new Map<string, { at: number; view: Promise<Batch | null> }>();
  return (batchId, fresh) => {
    const now = Date.now();
    const hit = cache.get(batchId);
    if (hit && !fresh && now - hit.at < ttlMs) return hit.view;
    if (cache.size > 1_000) cache.clear();
    const view = store.getBatch(batchId, now);
    cache.set(batchId, { at: now, view });
    return view;
  };
}

/**
 * Turns for catch-up reads, shared by every stream of the service: at most `concurrency` pages
 * are read from the store at once, first come first served (p-queue).
 */
export function replayTurns(concurrency: number): StreamOptions['replayTurn'] {
  const queue = new PQueue({ concurrency });
  return <T>(read: () => Promise<T>) => queue.add(async () => {
    try {
      return await read();
    } finally {
      // The turn passes on a loop turn later: the engine's commits, waiting for the same loop,
      // go between two pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
  });
}
