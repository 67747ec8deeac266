/** The dispatcher's waiting line (src/engine/fair-queue.ts): turns by tenant, priority inside a tenant. */
import PQueue from 'p-queue';
import { describe, expect, it } from 'vitest';
import { FairQueue, type FairQueueOptions } from '../src/engine/fair-queue.js';

describe('FairQueue', () => {
  it('takes turns by tenant, and runs each tenant\'s work highest priority first', () => {
    const queue = new FairQueue();
    const task = (name: string) => Object.assign(async () => name, { label: name });
    const add = (name: string, tenant: string, priority: number) => queue.enqueue(task(name), { tenant, priority });
    add('a-high-1', 'acme', 10);
    add('a-high-2', 'acme', 10);
    add('g-1', 'globex', 0);
    add('a-low', 'acme', 0);
    add('a-high-3', 'acme', 10);
    add('g-2', 'globex', 0);
    expect(queue.size).toBe(6);
    const order: string[] = [];
    for (let run = queue.dequeue(); run; run = queue.dequeue()) order.push((run as unknown as { label: string }).label);
    expect(order).toEqual(['a-high-1', 'g-1', 'a-high-2', 'g-2', 'a-high-3', 'a-low']);
    expect(queue.size).toBe(0);
  });

  it('serves p-queue: a tenant\'s later high-priority work does not jump another tenant\'s', async () => {
    const queue = new PQueue<FairQueue, FairQueueOptions>({ concurrency: 1, queueClass: FairQueue, autoStart: false });
    const order: string[] = [];
    const add = (name: string, tenant: string, priority: number) => void queue.add(async () => {
      order.push(name);
    }, { tenant, priority });
    add('g-1', 'globex', 0);
    add('g-2', 'globex', 0);
    for (let i = 1; i <= 3; i += 1) add(`a-${i}`, 'acme', 10);
    queue.start();
    await queue.onIdle();
    expect(order).toEqual(['g-1', 'a-1', 'g-2', 'a-2', 'a-3']);
  });
});
