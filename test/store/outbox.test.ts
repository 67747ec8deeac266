/** The outbox: events and in-memory totals count only once their transaction commits. */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/model/events.js';
import { CommittedTotal, Outbox } from '../../src/store/outbox.js';

const event = (id: number): EngineEvent => ({ id, type: 'batch.started', at: id, batchId: 'b' });

describe('Outbox', () => {
  it('publishes a transaction\'s events in order once it commits, and never those of one that rolled back', () => {
    const outbox = new Outbox();
    const heard: number[] = [];
    const off = outbox.subscribe((e) => heard.push(e.id));
    outbox.add(event(1));
    outbox.add(event(2));
    expect(heard).toEqual([]);
    outbox.commit();
    expect(heard).toEqual([1, 2]);
    outbox.add(event(3));
    outbox.discard();
    outbox.commit();
    expect(heard).toEqual([1, 2]);
    off();
    outbox.add(event(4));
    outbox.commit();
    expect(heard).toEqual([1, 2]);
  });

  it('keeps publishing to the others when a listener throws', () => {
    const outbox = new Outbox();
    const heard: number[] = [];
    outbox.subscribe(() => {
      throw new Error('listener bug');
    });
    outbox.subscribe((e) => heard.push(e.id));
    outbox.add(event(1));
    outbox.commit();
    expect(heard).toEqual([1]);
  });
});

describe('CommittedTotal', () => {
  it('moves with commits only: a rolled-back change leaves the total as it was', () => {
    const outbox = new Outbox();
    const total = new CommittedTotal(outbox, 10);
    total.add(5);
    expect(total.value).toBe(15);
    outbox.discard();
    expect(total.value).toBe(10);
    total.add(-3);
    total.add(1);
    outbox.commit();
    expect(total.value).toBe(8);
    total.add(2);
    total.add(-2);
    total.add(4);
    outbox.commit();
    expect(total.value).toBe(12);
  });
});
