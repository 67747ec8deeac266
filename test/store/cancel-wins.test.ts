/** Cancel wins: what a cancel does now, and how a failing attempt is written when one is pending. */
import { describe, expect, it } from 'vitest';
import { cancelAction, underCancel } from '../../src/store/cancel-wins.js';
import type { ClaimedWorkflow, Transition } from '../../src/store/store.js';
import { initialStages } from '../../src/store/transitions.js';

const stages = (running: boolean) => initialStages().map((s, i) => (i === 1 && running ? { ...s, status: 'running' as const } : s));

describe('cancelAction', () => {
  it('cancels at once what runs no stage, marks what runs one, leaves finished work alone', () => {
    expect(cancelAction({ status: 'queued', stages: stages(false) })).toBe('cancel-now');
    expect(cancelAction({ status: 'running', stages: stages(false) })).toBe('cancel-now');
    expect(cancelAction({ status: 'running', stages: stages(true) })).toBe('abort-running');
    for (const status of ['succeeded', 'failed', 'canceled'] as const) expect(cancelAction({ status, stages: stages(false) })).toBe('none');
  });
});

describe('underCancel', () => {
  const workflow = { id: 'w' } as ClaimedWorkflow;
  const at = 5;
  const error = { code: 'E', message: 'm' };
  const reported: Transition[] = [
    { kind: 'retrying', workflow, stage: 'fetch', at, error, retryAt: 9 },
    { kind: 'interrupted', workflow, stage: 'fetch', at },
  ];

  it('turns a retry or an interruption into a cancel when a cancel is pending', () => {
    for (const t of reported) expect(underCancel(t, true)).toEqual({ kind: 'canceled', workflow, stage: 'fetch', at });
  });

  it('leaves every transition alone without a pending cancel, and successes and failures even with one', () => {
    for (const t of reported) expect(underCancel(t, false)).toBe(t);
    const succeeded: Transition = { kind: 'succeeded', workflow, stage: 'fetch', at, output: {} };
    const failed: Transition = { kind: 'failed', workflow, stage: 'fetch', at, error };
    expect(underCancel(succeeded, true)).toBe(succeeded);
    expect(underCancel(failed, true)).toBe(failed);
  });
});
