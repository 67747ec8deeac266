// @ts-check
// A batch's workflows, a page at a time, filtered by status: where each is, the stage that
// failed and its error as text on the row (not in a tooltip), and cancel / retry for each.
import { act, api, batchPath, isUnauthorized, messageOf, workflowPath } from '../api.js';
import { $, badge, el, showError } from '../dom.js';
import { formatMs } from '../format.js';
import { STATUSES, isFinished } from '../model.js';

const PAGE = 20;
/** The table follows its batch at most once a second; the last change is always shown. */
const GAP_MS = 1000;

/** @typedef {import('../model.js').Workflow} Workflow */

/**
 * The workflow's failing stage and error, or where it is now.
 * @param {Workflow} w
 */
function stageOf(w) {
  return w.error ? w.error.stage : w.stage ?? '–';
}

/**
 * @param {Workflow} w
 * @param {(path: string, what: string) => void} action
 */
function rowOf(w, action) {
  const client = String(w.clientId);
  const buttons = [];
  if (!isFinished(w.status)) {
    buttons.push(el('button', {
      text: 'Cancel', className: 'secondary small danger', attrs: { type: 'button', 'aria-label': `Cancel client ${client}`, 'data-action': 'cancel' },
    }));
  }
  if (w.status === 'failed' || w.status === 'canceled') {
    buttons.push(el('button', {
      text: 'Retry', className: 'secondary small', attrs: { type: 'button', 'aria-label': `Retry client ${client}`, 'data-action': 'retry' },
    }));
  }
  for (const button of buttons) {
    const kind = button.dataset.action ?? '';
    button.addEventListener('click', () => action(`${workflowPath(w.id)}/${kind}`, `${kind === 'cancel' ? 'Cancel' : 'Retry'} of client ${client}`));
  }
  return el('tr', { attrs: { 'data-workflow': w.id, 'data-status': w.status } }, [
    el('th', { text: client, className: 'label-cell', attrs: { scope: 'row' } }),
    el('td', {}, [badge(w.status)]),
    el('td', { text: stageOf(w) }),
    el('td', { className: 'num', text: w.attempts }),
    el('td', { className: 'num', text: formatMs(w.durationMs) }),
    el('td', { className: 'error-cell' }, w.error ? [el('code', { text: w.error.code }), ` ${w.error.message}`] : []),
    el('td', { className: 'row-actions' }, buttons),
  ]);
}

/**
 * The table of one batch's workflows. `changed` is called after an action was accepted.
 * @param {string} batchId
 * @param {{ changed: () => void, said: (text: string) => void }} on
 */
export function workflowTable(batchId, on) {
  const filter = /** @type {HTMLSelectElement} */ ($('workflow-filter'));
  const first = /** @type {HTMLButtonElement} */ ($('workflow-first'));
  const next = /** @type {HTMLButtonElement} */ ($('workflow-next'));
  const controller = new AbortController();
  const { signal } = controller;
  /** @type {string | null} this page's cursor (null: the first page) */
  let cursor = null;
  /** @type {string | null} */
  let nextCursor = null;
  let page = 1;
  let loading = false;
  let again = false;
  let loadedAt = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;

  filter.replaceChildren(el('option', { text: 'All', attrs: { value: '' } }), ...STATUSES.map((s) => el('option', { text: s, attrs: { value: s } })));

  /** @param {string} path @param {string} what */
  const action = async (path, what) => {
    try {
      await act(path);
      on.said(`${what}: accepted.`);
      load();
      on.changed();
    } catch (e) {
      if (!isUnauthorized(e)) on.said(`${what} failed: ${messageOf(e)}`);
    }
  };

  const load = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    loadedAt = Date.now();
    clearTimeout(timer);
    timer = undefined;
    try {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (filter.value) query.set('status', filter.value);
      if (cursor) query.set('cursor', cursor);
      const result = /** @type {import('../model.js').WorkflowPage} */ (await api(`${batchPath(batchId)}/workflows?${query}`, { signal }));
      if (signal.aborted) return;
      nextCursor = result.nextCursor;
      $('workflow-body').replaceChildren(...result.items.map((w) => rowOf(w, action)));
      $('workflow-empty').hidden = result.items.length > 0;
      $('workflow-table').hidden = result.items.length === 0;
      $('workflow-range').textContent = result.items.length === 0 ? '' : `Page ${page}, ${result.items.length} shown`;
      next.disabled = nextCursor === null;
      first.disabled = cursor === null;
      $('workflow-pager').hidden = cursor === null && nextCursor === null;
      showError($('workflow-error'), null);
    } catch (e) {
      if (!signal.aborted && !isUnauthorized(e)) showError($('workflow-error'), messageOf(e));
    } finally {
      loading = false;
      if (again && !signal.aborted) {
        again = false;
        load();
      }
    }
  };

  const goTo = (/** @type {string | null} */ at, /** @type {number} */ number) => {
    cursor = at;
    page = number;
    load();
  };
  filter.addEventListener('change', () => goTo(null, 1), { signal });
  first.addEventListener('click', () => goTo(null, 1), { signal });
  next.addEventListener('click', () => {
    if (nextCursor !== null) goTo(nextCursor, page + 1);
  }, { signal });

  return {
    /** The batch changed: reload now, or once GAP_MS has passed since the last load. */
    refreshSoon() {
      if (timer !== undefined) return;
      timer = setTimeout(load, Math.max(0, loadedAt + GAP_MS - Date.now()));
    },
    /** The batch finished: its rows are final, so show them at once rather than up to GAP_MS late. */
    refreshNow() {
      load();
    },
    stop() {
      controller.abort();
      clearTimeout(timer);
    },
  };
}
