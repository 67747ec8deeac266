// @ts-check
// Home (#/): the form that starts a batch, and the recent batches, refreshed while visible.
import { api, isUnauthorized, messageOf } from '../api.js';
import { $, badge, el, progressBar, showError, timeEl } from '../dom.js';
import { batchName, formatPercent, formatTime, parseClientIds } from '../format.js';

const LIST_REFRESH_MS = 2000;

/** @typedef {import('../model.js').Batch} Batch */
/**
 * @typedef {{ id: string, name: string | null, cron: string | null, timezone: string | null, everyMs: number | null,
 *   paused: boolean, nextRuns: string[], lastError: string | null,
 *   recentTicks: Array<{ tickAt: string, outcome: string, batchId: string | null, reason: string | null }> }} Schedule
 */

export function setupForm() {
  const form = $('new-batch-form');
  const error = $('form-error');
  const button = /** @type {HTMLButtonElement} */ ($('submit-batch'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showError(error, null);
    const clientIds = parseClientIds(/** @type {HTMLTextAreaElement} */ ($('client-ids')).value);
    if (clientIds.length === 0) return showError(error, 'Enter at least one client id.');
    /** @type {{ clientIds: Array<string | number>, label?: string }} */
    const body = { clientIds };
    const label = /** @type {HTMLInputElement} */ ($('batch-label')).value.trim();
    if (label) body.label = label;
    button.disabled = true;
    try {
      const batch = await api('/v1/batches', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      /** @type {HTMLFormElement} */ (form).reset();
      location.hash = `#/batches/${batch.id}`;
    } catch (e) {
      // A 401 has asked for a key instead; the batch was not created.
      if (!isUnauthorized(e)) showError(error, messageOf(e));
    } finally {
      button.disabled = false;
    }
  });
}

/** @param {Batch[]} items */
function renderRecent(items) {
  const rows = items.map((b) => {
    const name = batchName(b);
    const done = b.progress.succeeded + b.progress.failed + b.progress.canceled;
    return el('tr', {}, [
      el('td', {}, [badge(b.status)]),
      el('td', { className: 'label-cell' }, [el('a', { text: name, attrs: { href: `#/batches/${b.id}` } })]),
      el('td', {}, [timeEl(b.createdAt, formatTime(b.createdAt))]),
      el('td', { className: 'num', text: `${done} / ${b.progress.total}` }),
      el('td', { className: 'col-progress' }, [
        el('div', { className: 'progress-row compact' }, [
          progressBar(b.progress.percent, `Progress of ${name}`, b.status),
          el('span', { className: 'progress-label', text: formatPercent(b.progress.percent) }),
        ]),
      ]),
    ]);
  });
  $('recent-body').replaceChildren(...rows);
  $('recent-table').hidden = items.length === 0;
  $('recent-empty').hidden = items.length > 0;
}

/** @param {Schedule[]} items */
function renderSchedules(items) {
  const rows = items.map((s) => {
    const when = s.cron !== null ? `${s.cron} (${s.timezone})` : `every ${s.everyMs} ms`;
    const next = s.paused ? el('span', { text: 'paused' }) : s.nextRuns[0] ? timeEl(s.nextRuns[0], formatTime(s.nextRuns[0])) : el('span', { text: 'none' });
    const recent = s.recentTicks.slice(0, 3).map((t) => (t.batchId
      ? el('a', { text: formatTime(t.tickAt), attrs: { href: `#/batches/${t.batchId}` } })
      : el('span', { className: 'muted', text: `${formatTime(t.tickAt)} skipped`, attrs: { title: t.reason ?? '' } })));
    return el('tr', {}, [
      el('td', { className: 'label-cell', text: s.name ?? s.id }),
      el('td', {}, [el('code', { text: when })]),
      el('td', {}, [next]),
      el('td', {}, recent.length > 0 ? recent.flatMap((node, i) => (i === 0 ? [node] : [el('span', { text: ', ' }), node])) : [el('span', { className: 'muted', text: 'none yet' })]),
    ]);
  });
  $('schedules-body').replaceChildren(...rows);
  $('schedules-table').hidden = items.length === 0;
  $('schedules-empty').hidden = items.length > 0;
}

/** Shows home; returns what stops it. */
export function showHome() {
  document.title = 'clientflow dashboard';
  let stopped = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const tick = async () => {
    // Refresh only while someone can see the list.
    if (!document.hidden) {
      try {
        const page = await api('/v1/batches?limit=20');
        if (stopped) return;
        renderRecent(page.items);
        const schedules = await api('/v1/schedules?limit=20');
        if (stopped) return;
        renderSchedules(schedules.items);
        showError($('recent-error'), null);
        $('recent-updated').textContent = `Updated ${formatTime(Date.now())}`;
      } catch (e) {
        if (stopped) return;
        showError($('recent-error'), messageOf(e));
      }
    }
    if (!stopped) timer = setTimeout(tick, LIST_REFRESH_MS);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
