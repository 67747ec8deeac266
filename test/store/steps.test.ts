/** ops/steps.ts: one sequence, driven against a synchronous driver and an asynchronous one alike. */
import { describe, expect, it } from 'vitest';
import type { AsyncDriver, Driver } from '../../src/store/driver.js';
import { call, run, runAsync, type Steps } from '../../src/store/ops/steps.js';

/** A sequence that asks two things, and says what it got or what was thrown at it. */
function* sample(id: string): Steps<string> {
  const seq = yield* call('batchSeq', id);
  try {
    const queued = yield* call('queued', 'acme');
    return `${seq}:${queued}`;
  } catch (error) {
    return `${seq}:caught ${(error as Error).message}`;
  }
}

/** A driver answering only the two calls `sample` makes. */
function fake(answer: (name: string, args: unknown[]) => unknown): Driver {
  return new Proxy({}, { get: (_, name) => (...args: unknown[]) => answer(String(name), args) }) as Driver;
}

describe('ops/steps', () => {
  it('hands each answer back to the sequence, in order, with the arguments it asked with', () => {
    const asked: string[] = [];
    const driver = fake((name, args) => {
      asked.push(`${name}(${args.join(',')})`);
      return name === 'batchSeq' ? 7 : 3;
    });
    expect(run(sample('b1'), driver)).toBe('7:3');
    expect(asked).toEqual(['batchSeq(b1)', 'queued(acme)']);
  });

  it('awaits the calls that answer with a promise, and only those', async () => {
    const driver = fake((name) => (name === 'batchSeq' ? Promise.resolve(8) : 4)) as unknown as AsyncDriver;
    await expect(runAsync(sample('b2'), driver)).resolves.toBe('8:4');
  });

  it('throws a failed call into the sequence, which may catch it', async () => {
    const failing = (name: string) => {
      if (name === 'queued') throw new Error('disk full');
      return 1;
    };
    expect(run(sample('b3'), fake(failing))).toBe('1:caught disk full');
    const rejecting = fake((name) => (name === 'queued' ? Promise.reject(new Error('gone')) : 2)) as unknown as AsyncDriver;
    await expect(runAsync(sample('b4'), rejecting)).resolves.toBe('2:caught gone');
  });

  it('lets an error the sequence does not catch out of the runner', async () => {
    function* uncaught(): Steps<number> {
      return yield* call('queued');
    }
    const driver = fake(() => {
      throw new Error('refused');
    });
    expect(() => run(uncaught(), driver)).toThrow('refused');
    await expect(runAsync(uncaught(), driver as unknown as AsyncDriver)).rejects.toThrow('refused');
  });
});
