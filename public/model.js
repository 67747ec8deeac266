// @ts-check
// The model's lists, as the dashboard needs them. Each is typed as src/model/statuses.ts's own,
// so `npm run typecheck` fails when they differ (test/ui/model.test.ts checks the values too).

/** @type {typeof import('../src/model/statuses.js').WORKFLOW_STATUSES} */
export const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

/** @type {typeof import('../src/model/statuses.js').STAGES} */
export const STAGES = ['fetch', 'process', 'store'];

/** @type {typeof import('../src/model/statuses.js').FINISHED_WORKFLOW_STATUSES} */
export const FINISHED = ['succeeded', 'failed', 'canceled'];

/** @typedef {import('../src/model/statuses.js').WorkflowStatus} Status */
/** @typedef {import('../src/model/types.js').Batch} Batch */
/** @typedef {import('../src/model/types.js').Workflow} Workflow */
/** @typedef {{ items: Workflow[], nextCursor: string | null }} WorkflowPage */

/**
 * @param {string} status
 * @returns {boolean}
 */
export const isFinished = (status) => /** @type {readonly string[]} */ (FINISHED).includes(status);
