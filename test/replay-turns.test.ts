/** SSE catch-up reads take turns (http/event-stream.ts): a few at once, the next a loop turn later. */
import { describe, expect, it } from 'vitest';
import { replayTurns } from '../src/http/event-stream.js';
import { deferred } from './helpers.js';

describe('replay turns', () => {
  it('runs at most `concurrency` reads at once, first come first served', async () => {
    const turn = replayTurns(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const reads = gates.map((gate, i) => turn(async () => {
      started.push(i);
      running += 1;
      most = Math.max(most, running);
      await gate.promise;
      running -= 1;
      return i;
    }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await reads[1];
    // The freed turn goes to the next reader waiting, not to whoever asks next.
    const late = turn(async () => 'late');
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all([...reads, late])).toEqual([0, 1, 2, 3, 'late']);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(most).toBe(2);
  });

  it('hands a freed turn over a turn of the loop later, so other work runs between two reads', async () => {
    const turn = replayTurns(1);
    const order: string[] = [];
    const first = turn(async () => {
      order.push('read 1');
      setImmediate(() => order.push('other work'));
    });
    const second = turn(async () => {
      order.push('read 2');
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['read 1', 'other work', 'read 2']);
  });
});
