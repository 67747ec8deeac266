// clientflow dashboard: a plain ES module over the public v1 API, no framework, no build step.
// Everything that comes from data is rendered through textContent, never as HTML.

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'];
const FINISHED = new Set(['succeeded', 'failed', 'canceled']);
const STAGES = ['fetch', 'process', 'store'];
const LOG_LIMIT = 50;
const LIST_REFRESH_MS = 2000;
const POLL_MS = 1000;
const REFRESH_GAP_MS = 500; // re-fetch a batch at most twice a second
const TIMELINE_GAP_MS = 1000; // reload its timeline at most once a second
const RECONNECT_MS = 1000; // a dropped event stream is resumed after this

const $ = (id) => document.getElementById(id);

/** Builds an element; `text` is set as textContent, so data never becomes markup. */
function el(tag, { text, className, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, String(v));
  for (const child of children) node.append(child);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Formatting

function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function formatPercent(p) {
  return `${Number.isInteger(p) ? p : p.toFixed(1)} %`;
}

function formatDateTime(iso) {
  const d = new Date(iso);
  const sameDay = d.toDateString() === new Date().toDateString();
  return sameDay ? d.toLocaleTimeString() : d.toLocaleString();
}

function formatClock(epochMs) {
  const d = new Date(epochMs);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

function setBadge(node, status) {
  node.textContent = status;
  node.className = `badge badge-${STATUSES.includes(status) ? status : 'unknown'}`;
}

function progressBar(percent, label, status) {
  return el('progress', { className: `is-${status}`, attrs: { max: 100, value: percent, 'aria-label': label } });
}

// ---------------------------------------------------------------------------------------------
// API

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `The service answered ${status}.`);
    this.status = status;
  }
}

// The API key lives in this tab's sessionStorage only: it survives a reload, no other tab or
// window sees it, and it is never put in a URL (it would end up in history and logs).
const KEY_ITEM = 'clientflow.apiKey';

function storedKey() {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

function withKey(headers = {}, key = storedKey()) {
  return key ? { ...headers, authorization: `Bearer ${key}` } : headers;
}

/**
 * fetch() with the key, if one is set. A 401 asks for a key (see needKey) and still throws, so
 * the caller stops what it was doing.
 */
async function call(path, init = {}) {
  const key = storedKey();
  const res = await fetch(path, { ...init, headers: withKey(init.headers, key) });
  if (res.status === 401) {
    const problem = await res.json().catch(() => null);
    needKey(key, problem?.detail);
    throw new ApiError(401, problem);
  }
  return res;
}

async function api(path, init = {}) {
  const res = await call(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/**
 * Splits on commas, spaces and new lines. Whole numbers without leading zeros become numbers
 * (the API compares ids as sent: "7" and 7 differ); every other token stays a string.
 */
export function parseClientIds(text) {
  return text.split(/[\s,]+/).filter((t) => t.length > 0).map((t) => {
    const n = Number(t);
    return /^(0|[1-9]\d*)$/.test(t) && Number.isSafeInteger(n) ? n : t;
  });
}

// ---------------------------------------------------------------------------------------------
// Home: the form and the recent batches

function setupForm() {
  const form = $('new-batch-form');
  const error = $('form-error');
  const button = $('submit-batch');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.hidden = true;
    const clientIds = parseClientIds($('client-ids').value);
    if (clientIds.length === 0) {
      error.textContent = 'Enter at least one client id.';
      error.hidden = false;
      return;
    }
    const body = { clientIds };
    const label = $('batch-label').value.trim();
    if (label) body.label = label;
    button.disabled = true;
    try {
      const batch = await api('/v1/batches', {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      form.reset();
      location.hash = `#/batches/${batch.id}`;
    } catch (e) {
      // A 401 has asked for a key instead; the batch was not created.
      if (e instanceof ApiError && e.status === 401) return;
      error.textContent = e instanceof ApiError ? e.message : 'The service could not be reached.';
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
}

function renderRecent(items) {
  const rows = items.map((b) => {
    const name = b.label ?? `Batch ${b.id.slice(0, 8)}`;
    const link = el('a', { text: name, attrs: { href: `#/batches/${b.id}` } });
    const badge = el('span');
    setBadge(badge, b.status);
    const done = b.progress.succeeded + b.progress.failed + b.progress.canceled;
    return el('tr', {}, [
      el('td', {}, [badge]),
      el('td', { className: 'label-cell' }, [link]),
      el('td', {}, [el('time', { text: formatDateTime(b.createdAt), attrs: { datetime: b.createdAt } })]),
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

function showHome() {
  $('home-view').hidden = false;
  $('batch-view').hidden = true;
  document.title = 'clientflow dashboard';
  let stopped = false;
  let timer;
  const tick = async () => {
    // Refresh only while someone can see the list.
    if (!document.hidden) {
      try {
        const page = await api('/v1/batches?limit=20');
        if (stopped) return;
        renderRecent(page.items);
        $('recent-error').hidden = true;
        $('recent-updated').textContent = `Updated ${new Date().toLocaleTimeString()}`;
      } catch (e) {
        if (stopped) return;
        $('recent-error').textContent = e instanceof ApiError ? e.message : 'The service could not be reached.';
        $('recent-error').hidden = false;
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

// ---------------------------------------------------------------------------------------------
// One batch: numbers from GET /v1/batches/{id}, live log from SSE (or polling without it)

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

function appendLog(e) {
  const log = $('event-log');
  const kind = String(e.type).replace(/\W+/g, '-');
  const entry = el('li', { className: `ev ev-${kind}`, attrs: { 'data-type': e.type } }, [
    el('time', { text: formatClock(e.at ?? Date.now()), attrs: { datetime: new Date(e.at ?? Date.now()).toISOString() } }),
    el('span', { className: 'ev-type', text: e.type }),
    el('span', { className: 'ev-detail', text: eventDetail(e) }),
  ]);
  // Progress comes several times a second: keep only the latest one at the top.
  const top = log.firstElementChild;
  if (top?.dataset.type === 'batch.progress' && e.type === 'batch.progress') top.replaceWith(entry);
  else log.prepend(entry);
  while (log.children.length > LOG_LIMIT) log.lastElementChild.remove();
}

function renderProgress(p) {
  $('batch-progress').value = p.percent;
  $('batch-progress-label').textContent = formatPercent(p.percent);
  for (const dd of document.querySelectorAll('#batch-counts [data-count]')) {
    dd.textContent = String(p[dd.dataset.count]);
  }
}

function renderBatch(b) {
  const name = b.label ?? `Batch ${b.id.slice(0, 8)}`;
  $('batch-title').textContent = name;
  document.title = `${name} · clientflow`;
  setBadge($('batch-status'), b.status);
  $('batch-progress').className = `is-${b.status}`;
  $('batch-id').textContent = b.id;
  $('batch-created').textContent = formatDateTime(b.createdAt);
  $('batch-created').dateTime = b.createdAt;
  renderProgress(b.progress);
  const t = b.timings;
  const timing = (key, text) => { document.querySelector(`#batch-timings [data-timing="${key}"]`).textContent = text; };
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
}

function resetBatchView() {
  for (const id of ['batch-title', 'batch-id', 'batch-created', 'live-mode']) $(id).textContent = '';
  $('batch-title').textContent = 'Batch';
  $('batch-status').textContent = '';
  $('batch-status').className = 'badge';
  $('batch-progress').className = '';
  $('batch-error').hidden = true;
  $('event-log').replaceChildren();
  $('stage-body').replaceChildren();
  renderProgress({ total: '–', queued: '–', running: '–', succeeded: '–', failed: '–', canceled: '–', percent: 0 });
  for (const dd of document.querySelectorAll('#batch-timings dd')) dd.textContent = '–';
  $('timeline-img').hidden = false;
  $('timeline-img').removeAttribute('src');
  $('timeline-missing').hidden = true;
}

/**
 * Reloads the timeline at most once a second while running, and once more when finished. An
 * <img src> cannot send the API key, so the SVG is fetched with it and shown from a blob: URL
 * (an SVG drawn by <img> runs no script and loads nothing).
 */
function timelineLoader(id) {
  const img = $('timeline-img');
  const controller = new AbortController();
  let loading = false;
  let broken = false;
  let last = 0;
  let finalDone = false;
  let finalPending = false;
  const release = () => {
    // The picture stays on screen once decoded: its URL is not needed after that.
    if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  };
  const fail = () => {
    // Not there (yet): say so instead of a broken image, and stop asking.
    loading = false;
    broken = true;
    img.hidden = true;
    $('timeline-missing').hidden = false;
  };
  const load = async () => {
    loading = true;
    last = Date.now();
    try {
      const res = await call(`/v1/batches/${encodeURIComponent(id)}/timeline.svg`, {
        headers: { accept: 'image/svg+xml' }, cache: 'no-store', signal: controller.signal,
      });
      if (!res.ok || !res.headers.get('content-type')?.startsWith('image/svg+xml')) throw new ApiError(res.status, null);
      const svg = new Blob([await res.arrayBuffer()], { type: 'image/svg+xml' });
      if (controller.signal.aborted) return;
      img.src = URL.createObjectURL(svg);
    } catch (e) {
      // Stopped, or a 401 that now asks for a key: nothing to show.
      if (controller.signal.aborted || (e instanceof ApiError && e.status === 401)) return;
      fail();
    }
  };
  img.onload = () => {
    release();
    loading = false;
    if (finalPending) { finalPending = false; load(); }
  };
  img.onerror = () => {
    release();
    fail();
  };
  return {
    update(finished) {
      if (broken || finalDone) return;
      if (finished) {
        finalDone = true;
        if (loading) finalPending = true;
        else load();
      } else if (!loading && Date.now() - last >= TIMELINE_GAP_MS) {
        load();
      }
    },
    stop() {
      controller.abort();
      img.onload = null;
      img.onerror = null;
      release();
    },
  };
}

/**
 * Reads a text/event-stream body and calls onMessage({ type, data, id }) for each message. This is
 * the framing EventSource parses (`event:`, `data:`, `id:` fields, a blank line ends a message,
 * lines starting with `:` are comments); EventSource itself cannot send the API key.
 */
async function readEventStream(body, onMessage) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let type = '';
  let data = [];
  let id = null;
  const line = (text) => {
    if (text === '') {
      if (data.length > 0) onMessage({ type: type || 'message', data: data.join('\n'), id });
      type = '';
      data = [];
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id' && !value.includes('\0')) id = value;
  };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    // A chunk may end between the \r and \n of one line break: keep a trailing \r for the next.
    const end = buffer.endsWith('\r') ? buffer.length - 1 : buffer.length;
    const lines = buffer.slice(0, end).split(/\r\n|\r|\n/);
    buffer = lines.pop() + buffer.slice(end);
    for (const text of lines) line(text);
  }
}

function showBatch(id) {
  $('home-view').hidden = true;
  $('batch-view').hidden = false;
  resetBatchView();
  const timeline = timelineLoader(id);
  let stopped = false;
  let finished = false;
  let stream = null; // the AbortController of the event stream
  let reconnectTimer;
  let pollTimer;
  let refreshTimer;
  let lastRefresh = 0;
  let inFlight = null;
  let lastPolled = '';

  const refresh = async () => {
    if (inFlight) return inFlight;
    lastRefresh = Date.now();
    inFlight = (async () => {
      try {
        const batch = await api(`/v1/batches/${encodeURIComponent(id)}`);
        if (stopped) return null;
        $('batch-error').hidden = true;
        renderBatch(batch);
        finished = FINISHED.has(batch.status);
        timeline.update(finished);
        return batch;
      } catch (e) {
        if (stopped) return null;
        $('batch-error').textContent = e instanceof ApiError ? e.message : 'The service could not be reached.';
        $('batch-error').hidden = false;
        // An unknown batch stays unknown: no point in asking again.
        if (e instanceof ApiError && e.status < 500) finished = true;
        return null;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  // Events can come in bursts: one re-fetch per REFRESH_GAP_MS at most, the last one always runs.
  const scheduleRefresh = () => {
    if (refreshTimer !== undefined) return;
    refreshTimer = setTimeout(async () => {
      refreshTimer = undefined;
      await refresh();
    }, Math.max(0, lastRefresh + REFRESH_GAP_MS - Date.now()));
  };

  const poll = async () => {
    const batch = await refresh();
    if (stopped) return;
    if (batch) {
      // Without the stream, the log still shows where the batch is, one line per change.
      const key = `${batch.status} ${batch.progress.percent}`;
      if (key !== lastPolled) {
        lastPolled = key;
        appendLog({ type: 'poll', at: Date.now(), status: batch.status, progress: batch.progress });
      }
    }
    if (!finished) pollTimer = setTimeout(poll, POLL_MS);
  };

  const startPolling = () => {
    $('live-mode').textContent = 'Polling every second';
    poll();
  };

  const onEvent = (message) => {
    if (stopped) return;
    let data;
    try {
      data = JSON.parse(message.data);
    } catch {
      return;
    }
    appendLog({ ...data, type: message.type });
    if (message.type === 'batch.progress' && data.progress) renderProgress(data.progress);
    if (message.type === 'batch.finished') {
      clearTimeout(refreshTimer);
      refreshTimer = undefined;
      // A replayed finish may be an old one (the batch was retried since): stop only if the
      // batch is finished now. The server ends the stream after the last finish anyway.
      const current = stream;
      refresh().then((batch) => {
        if (stopped || stream !== current || !batch || !FINISHED.has(batch.status)) return;
        current.abort();
        stream = null;
        $('live-mode').textContent = 'Finished';
      });
      return;
    }
    scheduleRefresh();
  };

  // The batch's event stream read with fetch, so it carries the API key. Like EventSource: a
  // stream that drops after messages is resumed from the last event id; 204 means nothing more
  // will come. A stream that fails before any message, or an error answer, switches to polling.
  const openStream = () => {
    const controller = new AbortController();
    stream = controller;
    let received = false;
    let lastId = null;
    $('live-mode').textContent = 'Connecting…';
    const over = () => stopped || controller.signal.aborted;
    const fallBack = () => {
      controller.abort();
      if (stream === controller) stream = null;
      if (!finished) startPolling();
    };
    const lost = () => {
      if (!received) fallBack();
      else reconnectTimer = setTimeout(connect, RECONNECT_MS);
    };
    const connect = async () => {
      if (over()) return;
      let res;
      try {
        res = await call(`/v1/batches/${encodeURIComponent(id)}/events`, {
          headers: { accept: 'text/event-stream', ...(lastId === null ? {} : { 'last-event-id': lastId }) },
          cache: 'no-store', signal: controller.signal,
        });
      } catch (e) {
        if (!over() && !(e instanceof ApiError)) lost();
        return;
      }
      if (over()) return;
      if (res.status === 204) {
        stream = null;
        $('live-mode').textContent = 'Finished';
        return;
      }
      if (!res.ok || !res.body) {
        fallBack();
        return;
      }
      try {
        await readEventStream(res.body, (message) => {
          if (over()) return;
          if (!received) $('live-mode').textContent = 'Live';
          received = true;
          if (message.id !== null) lastId = message.id;
          onEvent(message);
        });
      } catch {
        // Cut off: handled below like an end.
      }
      if (!over()) lost();
    };
    connect();
  };

  refresh().then(() => {
    if (stopped) return;
    if (finished) {
      $('live-mode').textContent = 'Finished';
      // A finished batch's stream replays its events and ends: the log still fills in.
    }
    openStream();
  });

  return () => {
    stopped = true;
    stream?.abort();
    stream = null;
    clearTimeout(reconnectTimer);
    clearTimeout(pollTimer);
    clearTimeout(refreshTimer);
    timeline.stop();
  };
}

// ---------------------------------------------------------------------------------------------
// The API key: asked for when the service answers 401, kept for this tab (see KEY_ITEM)

function keepKey(key) {
  try {
    if (key === null) sessionStorage.removeItem(KEY_ITEM);
    else sessionStorage.setItem(KEY_ITEM, key);
  } catch {
    // Storage is off in this browser: the key is then asked for on every page load.
  }
}

function showIdentity(me) {
  $('who-tenant').textContent = me.tenant;
  $('who-admin').hidden = !me.admin;
  $('identity').hidden = false;
}

/** Stops the current view and shows the key form instead; `refused` is the reason a key failed. */
function askForKey(refused) {
  stopView();
  stopView = () => {};
  $('home-view').hidden = true;
  $('batch-view').hidden = true;
  $('identity').hidden = true;
  $('key-error').textContent = refused ?? '';
  $('key-error').hidden = !refused;
  $('key-card').hidden = false;
  $('api-key').value = '';
  $('api-key').focus();
}

/**
 * A 401 to a request sent with `sentKey` (null: none). Several requests fail at once when a key is
 * refused; only the first asks, and an answer for a key no longer in use changes nothing.
 */
function needKey(sentKey, detail) {
  if (sentKey !== storedKey()) return;
  if (sentKey === null) {
    if ($('key-card').hidden) askForKey(null);
    return;
  }
  keepKey(null);
  askForKey(`The key was refused${detail ? `: ${detail}` : ''}. Enter another key.`);
}

function setupKeyForm() {
  const form = $('key-form');
  const error = $('key-error');
  const button = $('use-key');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) {
      error.textContent = 'Enter an API key.';
      error.hidden = false;
      return;
    }
    // A header cannot carry spaces or non-ASCII characters (fetch would throw): say so here.
    if (!/^[A-Za-z0-9_-]+$/.test(key)) {
      error.textContent = 'That is not an API key: a key has only letters, digits, _ and -.';
      error.hidden = false;
      return;
    }
    button.disabled = true;
    try {
      // Tried before it is kept: a wrong key never replaces a working one.
      const res = await fetch('/v1/me', { headers: withKey({ accept: 'application/json' }, key) });
      const body = await res.json().catch(() => null);
      if (res.status === 401) {
        error.textContent = `The key was refused${body?.detail ? `: ${body.detail}` : ''}. Enter another key.`;
        error.hidden = false;
        $('api-key').select();
        return;
      }
      if (!res.ok) throw new ApiError(res.status, body);
      keepKey(key);
      form.reset();
      error.hidden = true;
      $('key-card').hidden = true;
      showIdentity(body);
      route();
    } catch (e) {
      error.textContent = e instanceof ApiError ? e.message : 'The service could not be reached.';
      error.hidden = false;
    } finally {
      button.disabled = false;
    }
  });
  $('forget-key').addEventListener('click', () => {
    keepKey(null);
    $('identity').hidden = true;
    // Without a key the service may still answer (AUTH=off); if not, the next 401 asks again.
    route();
  });
}

// ---------------------------------------------------------------------------------------------
// Routing: #/ is home, #/batches/<id> is one batch

let stopView = () => {};

function route() {
  stopView();
  stopView = () => {};
  // While a key is asked for, the views wait for it.
  if (!$('key-card').hidden) return;
  const match = /^#\/batches\/([0-9a-fA-F-]{36})$/.exec(location.hash);
  stopView = match ? showBatch(match[1]) : showHome();
}

setupForm();
setupKeyForm();
window.addEventListener('hashchange', () => {
  route();
  window.scrollTo(0, 0);
  // A new view: move focus to its heading so keyboard and screen-reader users start there.
  if (!$('batch-view').hidden) $('batch-title').focus();
});
// A key kept from before a reload: say whom it acts as (a 401 here asks for another one).
const kept = storedKey();
if (kept !== null) api('/v1/me').then((me) => { if (storedKey() === kept) showIdentity(me); }, () => {});
route();
