// @ts-check
// The address decides the view: #/ home, #/batches/<id> one batch, #/metrics the metrics text.
// One view runs at a time; each returns what stops it (its timers, streams and listeners).
import { $ } from './dom.js';
import { showBatch } from './views/batch.js';
import { showHome } from './views/home.js';
import { showMetrics } from './views/metrics.js';

const VIEWS = ['home-view', 'batch-view', 'metrics-view'];

let stopView = () => {};

export function stop() {
  stopView();
  stopView = () => {};
}

/** @param {string} id the view's element */
function reveal(id) {
  for (const view of VIEWS) $(view).hidden = view !== id;
}

export function route() {
  stop();
  // While a key is asked for, the views wait for it.
  if (!$('key-card').hidden) return;
  const batch = /^#\/batches\/([0-9a-fA-F-]{36})$/.exec(location.hash);
  if (batch?.[1]) {
    reveal('batch-view');
    const id = batch[1];
    /** @param {string} [note] */
    const start = (note) => {
      stop();
      stopView = showBatch(id, start, note);
    };
    start();
  } else if (location.hash === '#/metrics') {
    reveal('metrics-view');
    stopView = showMetrics();
  } else {
    reveal('home-view');
    stopView = showHome();
  }
}

/** Follows the address; a new view moves focus to its heading, where keyboard and screen-reader users start. */
export function startRouter() {
  window.addEventListener('hashchange', () => {
    route();
    window.scrollTo(0, 0);
    if (!$('batch-view').hidden) $('batch-title').focus();
    if (!$('metrics-view').hidden) $('metrics-title').focus();
  });
  route();
}
