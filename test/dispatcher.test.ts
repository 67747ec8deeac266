/**
 * The dispatcher's lease bookkeeping, on a fake store: a run that gave its lease up itself
 * (waiting out a retry) is never reported lost, while one whose lease really went is.
 */
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Dispatcher } from '../src/engine/dispatcher.js';
import type { ClaimedWorkflow, DispatchStore } from '../src/store/store.js';
import { initialStages } from '../src/store/transitions.js';

const claimed = (id: string): ClaimedWorkflow => ({
  id, seq: 1, batchSeq: 1, batchId: 'b', clientId: id, priority: 0, status: 'queued', stages: initialStages(), output: null,
  attempts: 0, queuedAt: 0, startedAt: null, finishedAt: null,
  options: { maxConcurrency: null, retry: null, timeouts: null, simulation: null }, leaseOwner: 'me', leaseEpoch: 1,
});

describe('Dispatcher lease renewal', () => {
  it('reports a lease lost only while its run still believes it holds it, and once', async () => {
    const released = claimed('released');
    const kept = claimed('kept');
    const renewedIds: string[][] = [];
    let reported!: () => void;
    const lostReported = new Promise<void>((resolve) => { reported = resolve; });
    let unclaimed = [released, kept];
    // A store that has lost every lease it is asked to renew.
    const store: DispatchStore = {
      claim: async () => {
        const out = unclaimed;
        unclaimed = [];
        return out;
      },
      renewLeases: async (_owner, ids) => {
        renewedIds.push(ids);
        return { lost: ids, canceled: [] };
      },
      releaseExpiredLeases: async () => 0,
      releaseLeases: async () => 0,
      recover: async () => 0,
    };
    const lost: string[] = [];
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => { finish = resolve; });
    const dispatcher = new Dispatcher({
      store, owner: 'me', concurrency: 2, prefetch: 0, leaseMs: 30, pollMs: 1_000, now: Date.now,
      log: pino({ level: 'silent' }),
      onCanceled: () => {},
      onLeaseLost: (ids) => {
        lost.push(...ids);
        reported();
      },
      run: async (wf) => {
        // `released` wrote a retry, which gives its lease up; `kept` still runs under its lease.
        if (wf.id === 'released') wf.leaseOwner = null;
        await gate;
      },
    });
    dispatcher.start();
    await lostReported;
    finish();
    await dispatcher.drain();
    expect(renewedIds.every((ids) => !ids.includes('released'))).toBe(true);
    // Reported once: the lost claim is dropped, so later renewals do not name it again.
    expect(lost).toEqual(['kept']);
  });

  it('never starts a renewal while the last one is still running', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      let answer!: () => void;
      const store: DispatchStore = {
        claim: async () => (calls === 0 ? [claimed('held')] : []),
        // The first renewal hangs (a slow database) until `answer()`.
        renewLeases: () => {
          calls += 1;
          return new Promise((resolve) => {
            answer = () => resolve({ lost: [], canceled: [] });
          });
        },
        releaseExpiredLeases: async () => 0,
        releaseLeases: async () => 0,
        recover: async () => 0,
      };
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => { finish = resolve; });
      const dispatcher = new Dispatcher({
        store, owner: 'me', concurrency: 1, prefetch: 0, leaseMs: 30, pollMs: 1_000, now: Date.now,
        log: pino({ level: 'silent' }), onCanceled: () => {}, onLeaseLost: () => {}, run: () => gate,
      });
      dispatcher.start();
      // Ten renewal periods pass while the first renewal hangs: no second one starts.
      await vi.advanceTimersByTimeAsync(100);
      expect(calls).toBe(1);
      answer();
      await vi.advanceTimersByTimeAsync(10);
      expect(calls).toBe(2);
      answer();
      finish();
      await dispatcher.drain();
    } finally {
      vi.useRealTimers();
    }
  });

  describe('after a stall (SIGSTOP, a VM pause) longer than the lease', () => {
    beforeEach(() => { vi.useFakeTimers(); });
    afterEach(() => { vi.useRealTimers(); });

    /**
     * A started dispatcher on a fake clock holding one claim, whose first lease renewal hangs until
     * `answer()` (it was under way when the process stopped); `log` lists each renewal's and sweep's time.
     */
    function stalled(pollMs: number) {
      const h = { clock: 1_000_000, log: [] as string[], answer: null as (() => void) | null };
      let finish!: () => void;
      const gate = new Promise<void>((resolve) => { finish = resolve; });
      const store: DispatchStore = {
        claim: async () => (h.log.length === 0 ? [claimed('held')] : []),
        renewLeases: (_owner, _ids, at) => {
          h.log.push(`renew@${at}`);
          if (h.log.length === 1) return new Promise((resolve) => { h.answer = () => resolve({ lost: [], canceled: [] }); });
          return Promise.resolve({ lost: [], canceled: [] });
        },
        releaseExpiredLeases: async (at) => {
          h.log.push(`sweep@${at}`);
          return 0;
        },
        releaseLeases: async () => 0,
        recover: async () => 0,
      };
      const dispatcher = new Dispatcher({
        store, owner: 'me', concurrency: 1, prefetch: 0, leaseMs: 30, pollMs, now: () => h.clock,
        log: pino({ level: 'silent' }), onCanceled: () => {}, onLeaseLost: () => {}, run: () => gate,
      });
      dispatcher.start();
      /** The first sweep came after a renewal made at the clock's time after the stall; then the run ends. */
      const sweptAfterFreshRenewal = async () => {
        const sweep = h.log.findIndex((e) => e.startsWith('sweep'));
        expect(sweep).toBeGreaterThan(0);
        expect(h.log.slice(0, sweep)).toContain(`renew@${h.clock}`);
        finish();
        await dispatcher.drain();
      };
      return { h, sweptAfterFreshRenewal };
    }

    it('sweeps only after a renewal made after it, also when the sweep\'s own renewal began before it', async () => {
      const { h, sweptAfterFreshRenewal } = stalled(5);
      // The first poll's renewal (nothing renewed yet, so overdue) is the one that hangs.
      await vi.advanceTimersByTimeAsync(5);
      expect(h.log).toEqual(['renew@1000000']);
      // A stall while it runs: when it answers, the leases it wrote are already past.
      h.clock += 5_000;
      h.answer!();
      await vi.advanceTimersByTimeAsync(0);
      await sweptAfterFreshRenewal();
    });

    it('sweeps only after a renewal made after it, not one that was in flight when it began', async () => {
      const { h, sweptAfterFreshRenewal } = stalled(25);
      // The renewal timer's first renewal is the one that hangs.
      await vi.advanceTimersByTimeAsync(10);
      expect(h.log).toEqual(['renew@1000000']);
      // A stall: the clock jumps past the lease; the poll finds the renewal overdue.
      h.clock += 5_000;
      await vi.advanceTimersByTimeAsync(15);
      h.answer!();
      await vi.advanceTimersByTimeAsync(0);
      await sweptAfterFreshRenewal();
    });
  });
});
