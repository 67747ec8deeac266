/** What counters do to a batch: finish (freeze, arm, announce), reopen (thaw, reset), or nothing. */
import { describe, expect, it } from 'vitest';
import { batchChange } from '../../src/store/batch-finish.js';

const counters = (c: Partial<{ queued: number; running: number; failed: number; canceled: number; started: boolean }>) =>
  ({ queued: 0, running: 0, failed: 0, canceled: 0, started: true, ...c });

describe('batchChange', () => {
  it('is null while the status stays', () => {
    expect(batchChange('b', 'running', counters({ running: 2 }), 10)).toBeNull();
    expect(batchChange('b', 'queued', counters({ queued: 2, started: false }), 10)).toBeNull();
  });

  it('starts a batch without finishing anything', () => {
    expect(batchChange('b', 'queued', counters({ running: 1 }), 10)).toEqual({
      status: 'running', finishedAt: null, p95s: 'keep', webhook: null, event: null,
    });
  });

  it('finishes: freezes percentiles, makes the webhook due, announces batch.finished with the status', () => {
    expect(batchChange('b', 'running', counters({ failed: 1, canceled: 1 }), 10)).toEqual({
      status: 'failed', finishedAt: 10, p95s: 'freeze', webhook: { dueAt: 10 },
      event: { type: 'batch.finished', at: 10, batchId: 'b', status: 'failed' },
    });
    expect(batchChange('b', 'running', counters({ canceled: 1 }), 10)?.status).toBe('canceled');
    expect(batchChange('b', 'running', counters({}), 10)?.status).toBe('succeeded');
  });

  it('reopens a finished batch (a retry): thaws percentiles, resets the webhook, announces nothing', () => {
    expect(batchChange('b', 'failed', counters({ queued: 1 }), 20)).toEqual({
      status: 'running', finishedAt: null, p95s: 'thaw', webhook: { dueAt: null }, event: null,
    });
  });
});
