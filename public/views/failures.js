// @ts-check
// Why a batch failed, at a glance: its failed workflows' errors grouped by code and stage, with
// counts, biggest first.
import { api, batchPath } from '../api.js';
import { $, el } from '../dom.js';
import { formatCount } from '../format.js';

const PAGE = 1000;
/** Enough to see what goes wrong; a larger failure is summarised from its first workflows. */
const MOST = 5000;

/** @typedef {import('../model.js').Batch} Batch */
/** @typedef {import('../model.js').Workflow} Workflow */
/** @typedef {{ code: string, stage: string, count: number, message: string }} ErrorGroup */

/**
 * Groups failed workflows by error code and stage, biggest group first (then by code).
 * @param {Workflow[]} workflows
 * @returns {ErrorGroup[]}
 */
export function groupErrors(workflows) {
  /** @type {Map<string, ErrorGroup>} */
  const groups = new Map();
  for (const w of workflows) {
    const code = w.error?.code ?? 'UNKNOWN';
    const stage = w.error?.stage ?? w.stage ?? '–';
    const key = `${code}\u0000${stage}`;
    const group = groups.get(key) ?? { code, stage, count: 0, message: w.error?.message ?? '' };
    group.count += 1;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

/** @param {string} batchId */
export function failureSummary(batchId) {
  const controller = new AbortController();
  let shownFor = '';
  /** The latest failed count and status asked for while a read ran: read once more after it. */
  let pending = /** @type {Batch | null} */ (null);
  let loading = false;

  /** @param {number} failed */
  const load = async (failed) => {
    /** @type {Workflow[]} */
    const workflows = [];
    /** @type {string | null} */
    let cursor = null;
    do {
      const query = new URLSearchParams({ status: 'failed', limit: String(PAGE), ...(cursor ? { cursor } : {}) });
      const page = /** @type {import('../model.js').WorkflowPage} */ (await api(`${batchPath(batchId)}/workflows?${query}`, { signal: controller.signal }));
      workflows.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null && workflows.length < MOST);
    if (controller.signal.aborted) return;
    const groups = groupErrors(workflows);
    const parts = groups.map((g) => `${formatCount(g.count)} × ${g.code}`).join(', ');
    const cut = workflows.length < failed ? ` (from the first ${formatCount(workflows.length)})` : '';
    $('failures-summary').textContent = `${formatCount(failed)} workflow${failed === 1 ? '' : 's'} failed: ${parts}${cut}.`;
    $('failures-body').replaceChildren(...groups.map((g) => el('tr', { attrs: { 'data-code': g.code } }, [
      el('th', { attrs: { scope: 'row' } }, [el('code', { text: g.code })]),
      el('td', { text: g.stage }),
      el('td', { className: 'num', text: formatCount(g.count) }),
      el('td', { className: 'error-cell', text: g.message }),
    ])));
    $('failures').hidden = false;
  };

  return {
    /** The batch was read again: regroup when its failures changed. @param {Batch} batch */
    update(batch) {
      const failed = batch.progress.failed;
      if (failed === 0) {
        $('failures').hidden = true;
        shownFor = '';
        return;
      }
      const key = `${failed} ${batch.status}`;
      if (key === shownFor) return;
      if (loading) {
        pending = batch;
        return;
      }
      shownFor = key;
      loading = true;
      // A failed read is tried again at the next change; the workflow table says what went wrong.
      load(failed).catch(() => {
        shownFor = '';
      }).finally(() => {
        loading = false;
        const next = pending;
        pending = null;
        if (next && !controller.signal.aborted) this.update(next);
      });
    },
    stop: () => controller.abort(),
  };
}
