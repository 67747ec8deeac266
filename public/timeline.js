// @ts-check
/**
 * The batch's timeline picture. An <img src> cannot send the API key, so the SVG is fetched with
 * it and shown from a blob: URL (an SVG drawn by <img> runs no script and loads nothing).
 * Reloaded at most once per GAP_MS while the batch runs, once more when it finishes, and at once
 * when what it should show changes (`query()`, e.g. `?status=running`).
 */
import { ApiError, batchPath, call } from './api.js';

const GAP_MS = 1000;

/**
 * @param {string} id
 * @param {HTMLImageElement} img
 * @param {HTMLElement} missing shown instead of the picture when there is none
 * @param {() => string} query the query string to draw with now ('' or '?…')
 */
export function timelineLoader(id, img, missing, query) {
  const controller = new AbortController();
  let loading = false;
  let broken = false;
  let last = 0;
  let finalDone = false;
  let again = false;
  const release = () => {
    // The picture stays on screen once decoded: its URL is not needed after that.
    if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  };
  const fail = () => {
    // Not there (yet): say so instead of a broken image, and stop asking.
    loading = false;
    broken = true;
    img.hidden = true;
    missing.hidden = false;
  };
  const load = async () => {
    loading = true;
    last = Date.now();
    try {
      const res = await call(`${batchPath(id)}/timeline.svg${query()}`, {
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
    if (again) {
      again = false;
      load();
    }
  };
  img.onerror = () => {
    release();
    fail();
  };
  const now = () => {
    if (loading) again = true;
    else load();
  };
  return {
    /** The batch was read again: reload if due. @param {boolean} finished */
    update(finished) {
      if (broken || finalDone) return;
      if (finished) {
        finalDone = true;
        now();
      } else if (!loading && Date.now() - last >= GAP_MS) {
        load();
      }
    },
    /** What to show changed: load now. */
    reload() {
      if (!broken) now();
    },
    stop() {
      controller.abort();
      img.onload = null;
      img.onerror = null;
      release();
    },
  };
}
