// @ts-check
// The v1 API over fetch(), with the API key when one is set.

export class ApiError extends Error {
  /** @param {number} status @param {{ detail?: string, title?: string } | null} problem */
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `The service answered ${status}.`);
    this.status = status;
  }
}

/** What to show for a failed call: the problem's detail, or that the service is unreachable. @param {unknown} e */
export const messageOf = (e) => (e instanceof ApiError ? e.message : 'The service could not be reached.');

/** A 401 has asked for a key already: the caller says nothing more. @param {unknown} e */
export const isUnauthorized = (e) => e instanceof ApiError && e.status === 401;

// The API key lives in this tab's sessionStorage only: it survives a reload, no other tab or
// window sees it, and it is never put in a URL (it would end up in history and logs).
const KEY_ITEM = 'clientflow.apiKey';

/** @returns {string | null} */
export function storedKey() {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

/** @param {string | null} key */
export function keepKey(key) {
  try {
    if (key === null) sessionStorage.removeItem(KEY_ITEM);
    else sessionStorage.setItem(KEY_ITEM, key);
  } catch {
    // Storage is off in this browser: the key is then asked for on every page load.
  }
}

/**
 * @param {HeadersInit | undefined} headers
 * @param {string | null} [key]
 * @returns {Record<string, string>}
 */
export function withKey(headers = {}, key = storedKey()) {
  const plain = Object.fromEntries(new Headers(headers));
  return key ? { ...plain, authorization: `Bearer ${key}` } : plain;
}

/** @type {(sentKey: string | null, detail: string | undefined) => void} */
let unauthorized = () => {};

/** Who is told of a 401: the key form (views/key.js). @param {typeof unauthorized} handler */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/**
 * fetch() with the key, if one is set. A 401 asks for a key and still throws, so the caller stops
 * what it was doing.
 * @param {string} path
 * @param {RequestInit} [init]
 */
export async function call(path, init = {}) {
  const key = storedKey();
  const res = await fetch(path, { ...init, headers: withKey(init.headers, key) });
  if (res.status === 401) {
    const problem = await res.json().catch(() => null);
    unauthorized(key, problem?.detail);
    throw new ApiError(401, problem);
  }
  return res;
}

/**
 * A JSON call: the parsed body, or an ApiError with the problem's detail.
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<any>}
 */
export async function api(path, init = {}) {
  const res = await call(path, { ...init, headers: { accept: 'application/json', ...init.headers } });
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/**
 * Cancel or retry (POST …/cancel, …/retry). An action needs the JSON type with an empty body: a
 * page elsewhere cannot send that without asking first (see src/http/routes/actions.ts).
 * @param {string} path
 */
export const act = (path) => api(path, { method: 'POST', headers: { 'content-type': 'application/json' } });

/** @param {string} id */
export const batchPath = (id) => `/v1/batches/${encodeURIComponent(id)}`;
/** @param {string} id */
export const workflowPath = (id) => `/v1/workflows/${encodeURIComponent(id)}`;
