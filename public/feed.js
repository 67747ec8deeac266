// @ts-check
/**
 * The live feed of one batch: its numbers from GET /v1/batches/{id}, its events from the SSE
 * stream (read with fetch, so it carries the API key), or from polling when there is no stream.
 *
 * States and what moves between them:
 *
 *   connecting ──first message──────────────▶ live
 *     │   │                                    │
 *     │   └─answer 204 (nothing more)──▶ finished ◀──batch.finished, and a read says finished──┤
 *     │                                                                                        │
 *     ├─error answer, or the stream ends before any message─▶ polling ──a read says finished──▶ finished
 *     │                                                                                        │
 *     └◀──after RECONNECT_MS (Last-Event-ID: the last id seen)── reconnecting ◀──stream ends───┘ (live)
 *
 *   any state ──stop()──▶ stopped (nothing runs any more)
 *
 * A batch that is finished when the feed starts still opens the stream: it replays the batch's
 * events and ends, so the log fills in. A replayed batch.finished may be an old one (the batch
 * was retried since): only a read that says the batch is finished now ends the feed.
 * Events come in bursts: the batch is read again at most once per REFRESH_GAP_MS, the last time
 * always.
 */
import { ApiError, api, batchPath, call } from './api.js';
import { isFinished } from './model.js';
import { readEventStream } from './sse.js';

const POLL_MS = 1000;
const REFRESH_GAP_MS = 500;
const RECONNECT_MS = 1000;

/** @typedef {'connecting' | 'live' | 'reconnecting' | 'polling' | 'finished' | 'stopped'} FeedState */
/** @typedef {import('./model.js').Batch} Batch */

/**
 * @typedef {object} FeedHandlers
 * @property {(batch: Batch) => void} batch     a fresh read of the batch
 * @property {(type: string, data: any) => void} event  an event from the stream (or a `poll` line)
 * @property {(state: FeedState) => void} state
 * @property {(message: string | null) => void} error  a read failed (null: the last one worked)
 */

/** What the page says for each state. @type {Record<FeedState, string>} */
export const STATE_TEXT = {
  connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', polling: 'Polling every second',
  finished: 'Finished', stopped: '',
};

export class BatchFeed {
  /** @type {FeedState} */
  state = 'connecting';
  #id;
  #on;
  /** The current stream's switch. */
  #stream = new AbortController();
  /** @type {string | null} the last event id seen: a reconnect resumes after it */
  #lastId = null;
  #received = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #refreshTimer;
  #lastRefresh = 0;
  /** @type {Promise<Batch | null> | null} */
  #reading = null;
  #lastPolled = '';

  /** @param {string} id @param {FeedHandlers} on */
  constructor(id, on) {
    this.#id = id;
    this.#on = on;
    this.refresh().then(() => {
      if (this.state === 'connecting') this.#connect();
    });
  }

  /** @param {FeedState} next */
  #to(next) {
    if (this.state === 'stopped' || this.state === next) return;
    this.state = next;
    if (next === 'finished' || next === 'stopped') this.#stream.abort();
    this.#on.state(next);
  }

  stop() {
    this.#to('stopped');
    clearTimeout(this.#timer);
    clearTimeout(this.#refreshTimer);
  }

  /** Reads the batch now (one read at a time); null when it failed or the feed stopped. */
  refresh() {
    if (this.#reading) return this.#reading;
    this.#lastRefresh = Date.now();
    this.#reading = (async () => {
      try {
        const batch = /** @type {Batch} */ (await api(batchPath(this.#id)));
        if (this.state === 'stopped') return null;
        this.#on.error(null);
        this.#on.batch(batch);
        return batch;
      } catch (e) {
        if (this.state === 'stopped') return null;
        this.#on.error(e instanceof ApiError ? e.message : 'The service could not be reached.');
        // An unknown batch stays unknown, a refused key stays refused: no point in asking again.
        if (e instanceof ApiError && e.status < 500) this.#to('finished');
        return null;
      } finally {
        this.#reading = null;
      }
    })();
    return this.#reading;
  }

  /** A read soon: at most one per REFRESH_GAP_MS. */
  refreshSoon() {
    if (this.#refreshTimer !== undefined) return;
    this.#refreshTimer = setTimeout(() => {
      this.#refreshTimer = undefined;
      this.refresh();
    }, Math.max(0, this.#lastRefresh + REFRESH_GAP_MS - Date.now()));
  }

  async #connect() {
    if (this.state !== 'connecting') return;
    const controller = new AbortController();
    this.#stream = controller;
    const over = () => controller.signal.aborted || this.state === 'stopped';
    /** @type {Response} */
    let res;
    try {
      res = await call(`${batchPath(this.#id)}/events`, {
        headers: { accept: 'text/event-stream', ...(this.#lastId === null ? {} : { 'last-event-id': this.#lastId }) },
        cache: 'no-store', signal: controller.signal,
      });
    } catch (e) {
      // A 401 has asked for a key: the views stop. Anything else is a stream that ended.
      if (!over() && !(e instanceof ApiError)) this.#ended();
      return;
    }
    if (over()) return;
    if (res.status === 204) return this.#to('finished');
    if (!res.ok || !res.body) return this.#poll();
    try {
      await readEventStream(res.body, (message) => {
        if (over()) return;
        this.#received = true;
        this.#to('live');
        if (message.id !== null) this.#lastId = message.id;
        this.#message(message.type, message.data);
      });
    } catch {
      // Cut off: handled below like an end.
    }
    if (!over()) this.#ended();
  }

  /** The stream ended: resume it if it had carried messages, else poll instead. */
  #ended() {
    if (!this.#received) return this.#poll();
    this.#to('reconnecting');
    this.#timer = setTimeout(() => {
      if (this.state !== 'reconnecting') return;
      this.#to('connecting');
      this.#connect();
    }, RECONNECT_MS);
  }

  /** @param {string} type @param {string} text */
  #message(type, text) {
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      return;
    }
    this.#on.event(type, data);
    if (type !== 'batch.finished') return this.refreshSoon();
    clearTimeout(this.#refreshTimer);
    this.#refreshTimer = undefined;
    const stream = this.#stream;
    this.refresh().then((batch) => {
      if (batch && isFinished(batch.status) && this.#stream === stream) this.#to('finished');
    });
  }

  #poll() {
    this.#stream.abort();
    this.#to('polling');
    const tick = async () => {
      if (this.state !== 'polling') return;
      const batch = await this.refresh();
      if (this.state !== 'polling') return;
      if (batch) {
        // Without the stream, the log still shows where the batch is, one line per change.
        const key = `${batch.status} ${batch.progress.percent}`;
        if (key !== this.#lastPolled) {
          this.#lastPolled = key;
          this.#on.event('poll', { at: Date.now(), status: batch.status, progress: batch.progress });
        }
        if (isFinished(batch.status)) return this.#to('finished');
      }
      this.#timer = setTimeout(tick, POLL_MS);
    };
    tick();
  }
}
