/** Replayed events are encoded once for every stream that replays them (http/event-stream.ts). */
import { describe, expect, it } from 'vitest';
import { sharedReplayEncoder } from '../src/http/event-stream.js';
import type { EngineEvent } from '../src/model/events.js';

/** The event a store read returns: a fresh object on every read, as each stream reads its own. */
const read = (batchId: string, id: number): EngineEvent => ({ type: 'batch.created', at: 1_700_000_000_000 + id, batchId, total: 3, id });

describe('shared replay encoder', () => {
  it('encodes each stored event once, whichever stream reads it', () => {
    const encoded: string[] = [];
    const encode = sharedReplayEncoder(1_000_000, (e) => {
      encoded.push(`${e.batchId}/${e.id}`);
      return `id: ${e.id}\n\n`;
    });
    for (let stream = 0; stream < 3; stream++) {
      for (let id = 1; id <= 4; id++) expect(encode(read('b1', id))).toBe(`id: ${id}\n\n`);
    }
    // The same id in another batch is another event.
    expect(encode(read('b2', 1))).toBe('id: 1\n\n');
    expect(encoded).toEqual(['b1/1', 'b1/2', 'b1/3', 'b1/4', 'b2/1']);
  });

  it('keeps at most its bound of text, dropping the oldest first', () => {
    let calls = 0;
    // Each text is 10 characters; the bound holds three.
    const encode = sharedReplayEncoder(30, (e) => {
      calls += 1;
      return `event ${String(e.id).padStart(4, '0')}`;
    });
    for (let id = 1; id <= 4; id++) encode(read('b', id));
    expect(calls).toBe(4);
    // 2, 3 and 4 are kept; 1 was dropped and is encoded again.
    for (const id of [2, 3, 4]) encode(read('b', id));
    expect(calls).toBe(4);
    encode(read('b', 1));
    expect(calls).toBe(5);
  });
});
