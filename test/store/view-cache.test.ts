/** Finished views: kept while finished, forgotten on change, bounded. */
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../src/model/types.js';
import { FinishedViews } from '../../src/store/view-cache.js';

const view = (id: string, finished: boolean) => ({ id, finishedAt: finished ? '2026-01-01T00:00:00.000Z' : null }) as Batch;

describe('FinishedViews', () => {
  it('keeps finished views only, until forgotten', () => {
    const views = new FinishedViews();
    views.remember(view('running', false));
    views.remember(view('done', true));
    expect(views.get('running')).toBeUndefined();
    expect(views.get('done')?.id).toBe('done');
    views.forget('done');
    expect(views.get('done')).toBeUndefined();
  });

  it('holds at most `max`, dropping the oldest', () => {
    const views = new FinishedViews(2);
    for (const id of ['a', 'b', 'c']) views.remember(view(id, true));
    expect(['a', 'b', 'c'].map((id) => views.get(id) !== undefined)).toEqual([false, true, true]);
    views.remember(view('b', true));
    expect(views.get('c')).toBeDefined();
  });
});
