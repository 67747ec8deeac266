// @ts-check
// One batch (#/batches/<id>): its numbers, what failed and why, its workflows, the live log, the
// timeline, and cancel / retry. The data comes from a BatchFeed (feed.js).
import { act, batchPath, isUnauthorized, messageOf } from '../api.js';
import { $, el, setBadge, showError } from '../dom.js';
import { BatchFeed, STATE_TEXT } from '../feed.js';
import { batchName, formatClock, formatMs, formatPercent, formatTime } from '../format.js';
import { STAGES, STATUSES, isFinished } from '../model.js';
import { timelineLoader } from '../timeline.js';
import { failureSummary } from './failures.js';
import { workflowTable } from './workflows.js';

const LOG_LIMIT = 50;
/** The timeline's default rows: a larger batch shows its running work instead while it runs. */
const TIMELINE_ROWS = 50;

/** @typedef {import('../model.js').Batch} Batch */

/** @param {any} e an event's data */
function eventDetail(e) {
  const parts = [];
  if (e.clientId !== undefined) parts.push(`client ${e.clientId}`);
  if (e.stage) parts.push(e.stage);
  if (e.attempt > 1) parts.push(`attempt ${e.attempt}`);
  if (e.status) parts.push(e.status);
  if (typeof e.durationMs === 'number') parts.push(formatMs(e.durationMs));
  if (e.error) parts.push(`${e.error.code}: ${e.error.message}`);
  if (typeof e.delayMs === 'number') parts.push(`retry in ${formatMs(e.delayMs)}`);
  if (typeof e.workflows === 'number') parts.push(`${e.workflows} requeued`);
  if (e.progress) parts.push(`${formatPercent(e.progress.percent)} · ${e.progress.succeeded} / ${e.progress.total} succeeded`);
  return parts.join(' · ');
}

/** @param {string} type @param {any} data */
function appendLog(type, data) {
  const log = $('event-log');
  const at = typeof data.at === 'number' ? data.at : Date.now();
  const entry = el('li', { className: `ev ev-${type.replace(/\W+/g, '-')}`, attrs: { 'data-type': type } }, [
    el('time', { text: formatClock(at), attrs: { datetime: new Date(at).toISOString(), title: formatTime(at) } }),
    el('span', { className: 'ev-type', text: type }),
    el('span', { className: 'ev-detail', text: eventDetail(data) }),
  ]);
  // Progress comes several times a second: keep only the latest one at the top.
  const top = /** @type {HTMLElement | null} */ (log.firstElementChild);
  if (top?.dataset.type === 'batch.progress' && type === 'batch.progress') top.replaceWith(entry);
  else log.prepend(entry);
  while (log.children.length > LOG_LIMIT) log.lastElementChild?.remove();
}

/** @param {Record<string, number | string>} p */
function renderProgress(p) {
  const percent = Number(p.percent);
  /** @type {HTMLProgressElement} */ ($('batch-progress')).value = percent;
  $('batch-progress-label').textContent = formatPercent(percent);
  for (const dd of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('#batch-counts [data-count]'))) {
    dd.textContent = String(p[dd.dataset.count ?? '']);
  }
}

/** @param {Batch} b */
function renderBatch(b) {
  const name = batchName(b);
  $('batch-title').textContent = name;
  document.title = `${name} · clientflow`;
  setBadge($('batch-status'), b.status);
  $('batch-progress').className = `is-${b.status}`;
  $('batch-id').textContent = b.id;
  $('batch-created').textContent = formatTime(b.createdAt);
  /** @type {HTMLTimeElement} */ ($('batch-created')).dateTime = b.createdAt;
  renderProgress(b.progress);
  const t = b.timings;
  /** @param {string} key @param {string} text */
  const timing = (key, text) => {
    const dd = document.querySelector(`#batch-timings [data-timing="${key}"]`);
    if (dd) dd.textContent = text;
  };
  timing('elapsed', formatMs(t.elapsedMs));
  timing('sequential', t.sequentialMs ? formatMs(t.sequentialMs) : '–');
  timing('speedup', t.speedup === null ? '–' : `${t.speedup}×`);
  timing('queueWait', formatMs(t.queueWaitMs?.avg));
  $('stage-body').replaceChildren(...STAGES.map((stage) => {
    const s = b.stages[stage];
    return el('tr', { attrs: { 'data-stage': stage } }, [
      el('th', { text: stage, attrs: { scope: 'row' } }),
      el('td', { text: s.succeeded }),
      el('td', { text: s.failed, className: s.failed > 0 ? 'bad' : '' }),
      el('td', { text: s.running }),
      el('td', { text: formatMs(s.avgMs) }),
      el('td', { text: formatMs(s.p95Ms) }),
      el('td', { text: formatMs(s.maxMs) }),
    ]);
  }));
  // What may be done now: cancel while unfinished, retry what failed (and what was canceled).
  $('cancel-batch').hidden = isFinished(b.status);
  $('retry-batch').hidden = b.progress.failed === 0;
  $('retry-batch-all').hidden = b.progress.canceled === 0;
}

function resetBatchView() {
  for (const id of ['batch-id', 'batch-created', 'live-mode', 'action-status']) $(id).textContent = '';
  $('batch-title').textContent = 'Batch';
  $('batch-status').textContent = '';
  $('batch-status').className = 'badge';
  $('batch-progress').className = '';
  for (const id of ['batch-error', 'failures', 'cancel-batch', 'retry-batch', 'retry-batch-all']) $(id).hidden = true;
  for (const id of ['event-log', 'stage-body', 'workflow-body', 'failures-body']) $(id).replaceChildren();
  renderProgress({ total: '–', queued: '–', running: '–', succeeded: '–', failed: '–', canceled: '–', percent: 0 });
  for (const dd of document.querySelectorAll('#batch-timings dd')) dd.textContent = '–';
  const img = /** @type {HTMLImageElement} */ ($('timeline-img'));
  img.hidden = false;
  img.removeAttribute('src');
  $('timeline-missing').hidden = true;
}

/**
 * The timeline's query: what the reader chose, or by default the running work of a batch too
 * large for the first rows to show it, and its failures once it has finished.
 * @param {string} choice the select's value ('auto', '' or a status)
 * @param {Batch | null} batch
 */
export function timelineQuery(choice, batch) {
  if (choice !== 'auto') return choice ? `?status=${choice}` : '';
  if (!batch || batch.progress.total <= TIMELINE_ROWS) return '';
  if (!isFinished(batch.status)) return '?status=running';
  return batch.progress.failed > 0 ? '?status=failed' : '';
}

/**
 * Shows the batch; returns what stops it. `restart` shows it afresh (after a retry reopened it),
 * still saying `note` (what was just done).
 * @param {string} id
 * @param {(note: string) => void} restart
 * @param {string} [note]
 */
export function showBatch(id, restart, note = '') {
  resetBatchView();
  $('action-status').textContent = note;
  const controller = new AbortController();
  const { signal } = controller;
  /** @type {Batch | null} */
  let current = null;
  const said = (/** @type {string} */ text) => { $('action-status').textContent = text; };

  const choice = /** @type {HTMLSelectElement} */ ($('timeline-filter'));
  choice.replaceChildren(
    el('option', { text: `Automatic (running work, past ${TIMELINE_ROWS} rows)`, attrs: { value: 'auto' } }),
    el('option', { text: `First ${TIMELINE_ROWS} by creation`, attrs: { value: '' } }),
    ...STATUSES.map((s) => el('option', { text: `Only ${s}`, attrs: { value: s } })),
  );
  const timeline = timelineLoader(id, /** @type {HTMLImageElement} */ ($('timeline-img')), $('timeline-missing'),
    () => timelineQuery(choice.value, current));
  choice.addEventListener('change', () => timeline.reload(), { signal });

  const failures = failureSummary(id);
  /** After an accepted action: a finished batch that reopens is followed afresh. */
  const changed = () => {
    if (feed.state === 'finished') restart($('action-status').textContent ?? '');
    else feed.refreshSoon();
  };
  const workflows = workflowTable(id, { changed, said });

  const feed = new BatchFeed(id, {
    batch(b) {
      current = b;
      renderBatch(b);
      failures.update(b);
      timeline.update(isFinished(b.status));
      if (isFinished(b.status)) workflows.refreshNow();
      else workflows.refreshSoon();
    },
    event(type, data) {
      appendLog(type, data);
      if (type === 'batch.progress' && data.progress) renderProgress(data.progress);
    },
    state(state) {
      $('live-mode').textContent = STATE_TEXT[state];
    },
    error(message) {
      showError($('batch-error'), message);
    },
  });
  $('live-mode').textContent = STATE_TEXT[feed.state];

  /** @param {string} path @param {string} what */
  const batchAction = async (path, what) => {
    said(`${what}…`);
    try {
      const answer = await act(path);
      said(`${what}: accepted.`);
      renderBatch(answer);
      changed();
    } catch (e) {
      if (!isUnauthorized(e)) said(`${what} failed: ${messageOf(e)}`);
    }
  };
  $('cancel-batch').addEventListener('click', () => batchAction(`${batchPath(id)}/cancel`, 'Cancel'), { signal });
  $('retry-batch').addEventListener('click', () => batchAction(`${batchPath(id)}/retry`, 'Retry of the failed workflows'), { signal });
  $('retry-batch-all').addEventListener('click', () => batchAction(`${batchPath(id)}/retry?includeCanceled=true`, 'Retry of the failed and canceled workflows'), { signal });

  return () => {
    controller.abort();
    feed.stop();
    timeline.stop();
    workflows.stop();
    failures.stop();
  };
}
