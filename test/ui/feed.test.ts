/**
 * The batch feed's state machine (public/feed.js) against a scripted service: fetch is replaced
 * by answers the test writes, the stream by one it feeds, the clock by vitest's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BatchFeed, type FeedState } from '../../public/feed.js';

const ID = '01a24e38-51a8-7481-92be-7bf3966fcdf3';

/** A stream the test writes SSE text to, then ends. */
function stream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => { controller = c; } });
  return {
    body,
    send: (text: string) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

const batch = (status: string) => ({ id: ID, status, progress: { percent: status === 'running' ? 50 : 100 } });

interface Script {
  /** The batch each read answers, in turn (the last one repeats). */
  reads: string[];
  /** What each request of the event stream answers, in turn. */
  streams: Array<Response | (() => Response)>;
}

let sent: Request[];
let states: FeedState[];
let events: string[];

function start(script: Script) {
  let read = 0;
  let opened = 0;
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    sent.push(new Request(`http://dashboard${url}`, { headers: init.headers }));
    if (url === `/v1/batches/${ID}`) {
      const status = script.reads[Math.min(read++, script.reads.length - 1)]!;
      return Response.json(batch(status));
    }
    const answer = script.streams[opened++];
    if (!answer) throw new Error(`no answer scripted for stream ${opened}`);
    return typeof answer === 'function' ? answer() : answer;
  });
  return new BatchFeed(ID, {
    batch: () => undefined,
    event: (type) => events.push(type),
    state: (state) => states.push(state),
    error: () => undefined,
  });
}

/** Lets the feed run until nothing is left but timers. */
const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  sent = [];
  states = [];
  events = [];
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('BatchFeed', () => {
  it('connecting → live → reconnecting → connecting (after the last id) → finished on a 204', async () => {
    const first = stream();
    const feed = start({ reads: ['running'], streams: [new Response(first.body), new Response(null, { status: 204 })] });
    await settle();
    expect(feed.state).toBe('connecting');
    first.send('event: stage.started\ndata: {}\nid: 1\n\nevent: stage.succeeded\ndata: {}\nid: 2\n\n');
    await settle();
    expect(feed.state).toBe('live');
    first.end();
    await settle();
    expect(feed.state).toBe('reconnecting');
    // Not before RECONNECT_MS.
    await vi.advanceTimersByTimeAsync(999);
    expect(sent.filter((r) => r.url.endsWith('/events'))).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const resumed = sent.filter((r) => r.url.endsWith('/events'));
    expect(resumed.map((r) => r.headers.get('last-event-id'))).toEqual([null, '2']);
    expect(states).toEqual(['live', 'reconnecting', 'connecting', 'finished']);
    expect(events).toEqual(['stage.started', 'stage.succeeded']);
  });

  it('polls when the stream answers an error, until a read says the batch finished', async () => {
    const feed = start({ reads: ['running', 'running', 'running', 'succeeded'], streams: [new Response('{}', { status: 503 })] });
    await settle();
    expect(feed.state).toBe('polling');
    await vi.advanceTimersByTimeAsync(1000);
    expect(feed.state).toBe('polling');
    await vi.advanceTimersByTimeAsync(1000);
    expect(feed.state).toBe('finished');
    expect(states).toEqual(['polling', 'finished']);
    // One log line per change seen while polling.
    expect(events).toEqual(['poll', 'poll']);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.filter((r) => r.url.endsWith(ID))).toHaveLength(4);
  });

  it('a replayed batch.finished of a batch retried since does not end it; one that a read confirms does', async () => {
    const live = stream();
    const feed = start({ reads: ['running', 'running', 'succeeded'], streams: [new Response(live.body)] });
    await settle();
    live.send('event: batch.finished\ndata: {}\nid: 9\n\n');
    await settle();
    expect(feed.state).toBe('live');
    live.send('event: batch.finished\ndata: {}\nid: 20\n\n');
    await settle();
    expect(feed.state).toBe('finished');
    expect(states).toEqual(['live', 'finished']);
  });

  it('stops: no read, stream or timer runs after stop()', async () => {
    const live = stream();
    const feed = start({ reads: ['running'], streams: [new Response(live.body)] });
    await settle();
    live.send('event: stage.started\ndata: {}\nid: 1\n\n');
    await settle();
    feed.stop();
    const before = sent.length;
    live.send('event: stage.succeeded\ndata: {}\nid: 2\n\n');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent.length).toBe(before);
    expect(feed.state).toBe('stopped');
    expect(events).toEqual(['stage.started']);
  });
});
