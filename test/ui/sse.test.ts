/** The dashboard's event-stream reader (public/sse.js), fed the way a network delivers bytes: in any chunks. */
import { describe, expect, it } from 'vitest';
import { readEventStream } from '../../public/sse.js';

type Message = { type: string; data: string; id: string | null };

/** Reads `chunks` (text or bytes) as one stream; the messages in order. */
async function read(chunks: Array<string | Uint8Array>): Promise<Message[]> {
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
  const messages: Message[] = [];
  await readEventStream(body, (m) => messages.push(m));
  return messages;
}

describe('readEventStream', () => {
  it('reads event, data and id; a blank line ends each message', async () => {
    expect(await read(['event: stage.started\ndata: {"a":1}\nid: 7\n\nevent: batch.finished\ndata: {}\nid: 8\n\n'])).toEqual([
      { type: 'stage.started', data: '{"a":1}', id: '7' },
      { type: 'batch.finished', data: '{}', id: '8' },
    ]);
  });

  it('joins data lines, defaults the type to message, keeps the last id, skips comments', async () => {
    expect(await read([': heartbeat\n\ndata: one\ndata: two\n\nid: 3\n\ndata:x\n\n'])).toEqual([
      { type: 'message', data: 'one\ntwo', id: null },
      // An id alone dispatches nothing, but the next message carries it.
      { type: 'message', data: 'x', id: '3' },
    ]);
  });

  it('handles every line break, even a CRLF split between two chunks', async () => {
    expect(await read(['event: a\r', '\ndata: 1\r\r', '\nevent: b\rdata: 2\r\r'])).toEqual([
      { type: 'a', data: '1', id: null },
      { type: 'b', data: '2', id: null },
    ]);
  });

  it('decodes a character split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: ü😀\n\n');
    expect(await read([bytes.slice(0, 7), bytes.slice(7, 9), bytes.slice(9)])).toEqual([{ type: 'message', data: 'ü😀', id: null }]);
  });

  it('ignores an id holding NUL, and drops a message the stream ends inside', async () => {
    expect(await read(['id: 5\u0000\ndata: a\n\ndata: cut'])).toEqual([{ type: 'message', data: 'a', id: null }]);
  });
});
