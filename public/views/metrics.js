// @ts-check
// #/metrics: GET /metrics with the key (a plain link would be refused where metrics need one).
import { ApiError, call, isUnauthorized, messageOf } from '../api.js';
import { $, showError } from '../dom.js';

/** Shows the metrics text; returns what stops it. */
export function showMetrics() {
  document.title = 'Metrics · clientflow';
  const controller = new AbortController();
  const text = $('metrics-text');
  const error = $('metrics-error');
  const load = async () => {
    showError(error, null);
    try {
      const res = await call('/metrics', { headers: { accept: 'text/plain' }, cache: 'no-store', signal: controller.signal });
      const body = await res.text();
      if (!res.ok) {
        const problem = (() => {
          try {
            return JSON.parse(body);
          } catch {
            return null;
          }
        })();
        throw new ApiError(res.status, problem);
      }
      text.textContent = body;
    } catch (e) {
      if (controller.signal.aborted || isUnauthorized(e)) return;
      text.textContent = '';
      showError(error, messageOf(e));
    }
  };
  const reload = $('metrics-reload');
  reload.addEventListener('click', load, { signal: controller.signal });
  load();
  return () => controller.abort();
}
