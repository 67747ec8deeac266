// @ts-check
// The API key: asked for when the service answers 401, kept for this tab (api.js), and whom it
// acts as, in the header.
import { ApiError, api, keepKey, messageOf, onUnauthorized, storedKey, withKey } from '../api.js';
import { $, showError } from '../dom.js';

/** @param {{ tenant: string, admin: boolean }} me */
function showIdentity(me) {
  $('who-tenant').textContent = me.tenant;
  $('who-admin').hidden = !me.admin;
  $('identity').hidden = false;
}

/**
 * Sets up the key form. `stop` ends the current view (a key is asked for instead); `route` shows
 * the view of the address once a key is set.
 * @param {{ stop: () => void, route: () => void }} router
 */
export function setupKey(router) {
  const form = /** @type {HTMLFormElement} */ ($('key-form'));
  const error = $('key-error');
  const input = /** @type {HTMLInputElement} */ ($('api-key'));
  const button = /** @type {HTMLButtonElement} */ ($('use-key'));

  /** Stops the current view and shows the key form; `refused` is why a key failed. @param {string | null} refused */
  const askForKey = (refused) => {
    router.stop();
    for (const id of ['home-view', 'batch-view', 'metrics-view', 'identity']) $(id).hidden = true;
    showError(error, refused);
    $('key-card').hidden = false;
    input.value = '';
    input.focus();
  };

  // A 401 to a request sent with `sentKey` (null: none). Several requests fail at once when a key
  // is refused; only the first asks, and an answer for a key no longer in use changes nothing.
  onUnauthorized((sentKey, detail) => {
    if (sentKey !== storedKey()) return;
    if (sentKey === null) {
      if ($('key-card').hidden) askForKey(null);
      return;
    }
    keepKey(null);
    askForKey(`The key was refused${detail ? `: ${detail}` : ''}. Enter another key.`);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return showError(error, 'Enter an API key.');
    // A header cannot carry spaces or non-ASCII characters (fetch would throw): say so here.
    if (!/^[A-Za-z0-9_-]+$/.test(key)) return showError(error, 'That is not an API key: a key has only letters, digits, _ and -.');
    button.disabled = true;
    try {
      // Tried before it is kept: a wrong key never replaces a working one.
      const res = await fetch('/v1/me', { headers: withKey({ accept: 'application/json' }, key) });
      const body = await res.json().catch(() => null);
      if (res.status === 401) {
        showError(error, `The key was refused${body?.detail ? `: ${body.detail}` : ''}. Enter another key.`);
        input.select();
        return;
      }
      if (!res.ok) throw new ApiError(res.status, body);
      keepKey(key);
      form.reset();
      showError(error, null);
      $('key-card').hidden = true;
      showIdentity(body);
      router.route();
    } catch (e) {
      showError(error, messageOf(e));
    } finally {
      button.disabled = false;
    }
  });
  $('forget-key').addEventListener('click', () => {
    keepKey(null);
    $('identity').hidden = true;
    // Without a key the service may still answer (AUTH=off); if not, the next 401 asks again.
    router.route();
  });

  // A key kept from before a reload: say whom it acts as (a 401 here asks for another one).
  const kept = storedKey();
  if (kept !== null) {
    api('/v1/me').then((me) => {
      if (storedKey() === kept) showIdentity(me);
    }, () => {});
  }
}
