/**
 * The dashboard's copies of the model's lists (public/model.js) equal src/model/statuses.ts, and
 * what the dashboard derives from a batch: its error groups and its timeline's query.
 */
import { describe, expect, it } from 'vitest';
import { FINISHED, STAGES, STATUSES, isFinished } from '../../public/model.js';
import { groupErrors } from '../../public/views/failures.js';
import * as model from '../../src/model/statuses.js';
import type { Batch, Workflow } from '../../src/model/types.js';

describe('public/model.js', () => {
  it('has the model\'s statuses, stages and finished statuses, in order', () => {
    expect(STATUSES).toEqual(model.WORKFLOW_STATUSES);
    expect(STAGES).toEqual(model.STAGES);
    expect(FINISHED).toEqual(model.FINISHED_WORKFLOW_STATUSES);
    for (const status of model.WORKFLOW_STATUSES) expect(isFinished(status), status).toBe(model.isFinished(status));
  });
});

describe('groupErrors', () => {
  const failed = (clientId: number, stage: 'fetch' | 'store', code: string): Workflow => ({
    clientId, status: 'failed', stage, error: { stage, code, message: `${code} for ${clientId}` },
  } as Workflow);

  it('counts failures by code and stage, biggest first, with the first message of each', () => {
    const groups = groupErrors([failed(1, 'fetch', 'CRM_TIMEOUT'), failed(2, 'store', 'DISK'), failed(3, 'fetch', 'CRM_TIMEOUT'), failed(4, 'store', 'CRM_TIMEOUT')]);
    expect(groups).toEqual([
      { code: 'CRM_TIMEOUT', stage: 'fetch', count: 2, message: 'CRM_TIMEOUT for 1' },
      { code: 'CRM_TIMEOUT', stage: 'store', count: 1, message: 'CRM_TIMEOUT for 4' },
      { code: 'DISK', stage: 'store', count: 1, message: 'DISK for 2' },
    ]);
  });
});

// views/batch.js touches the DOM only when a view is shown: importing it is safe here.
const { timelineQuery } = await import('../../public/views/batch.js');

describe('timelineQuery', () => {
  const batch = (total: number, status: Batch['status'], failed = 0) => ({ status, progress: { total, failed } } as Batch);

  it('shows a large batch\'s running work while it runs, its failures once it has failed', () => {
    expect(timelineQuery('auto', batch(51, 'running'))).toBe('?status=running');
    expect(timelineQuery('auto', batch(51, 'failed', 3))).toBe('?status=failed');
    expect(timelineQuery('auto', batch(51, 'succeeded'))).toBe('');
    expect(timelineQuery('auto', batch(50, 'running'))).toBe('');
    expect(timelineQuery('auto', null)).toBe('');
  });

  it('follows the reader\'s choice', () => {
    expect(timelineQuery('', batch(5000, 'running'))).toBe('');
    expect(timelineQuery('canceled', batch(5, 'running'))).toBe('?status=canceled');
  });
});
