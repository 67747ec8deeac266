// @ts-check
// Small DOM helpers. Everything that comes from data is set through textContent, never as HTML.
import { STATUSES } from './model.js';

/**
 * The element with this id; the page has every id the code asks for.
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} id
 * @returns {T}
 */
export function $(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is not on the page`);
  return /** @type {T} */ (node);
}

/**
 * Builds an element; `text` is set as textContent, so data never becomes markup.
 * @param {string} tag
 * @param {{ text?: unknown, className?: string, attrs?: Record<string, unknown> }} [options]
 * @param {Array<Node | string>} [children]
 * @returns {HTMLElement}
 */
export function el(tag, { text, className, attrs } = {}, children = []) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs ?? {})) node.setAttribute(k, String(v));
  for (const child of children) node.append(child);
  return node;
}

/** @param {HTMLElement} node @param {string} status */
export function setBadge(node, status) {
  node.textContent = status;
  node.className = `badge badge-${/** @type {readonly string[]} */ (STATUSES).includes(status) ? status : 'unknown'}`;
}

/** @param {string} status */
export function badge(status) {
  const node = el('span');
  setBadge(node, status);
  return node;
}

/** @param {number} percent @param {string} label @param {string} status */
export function progressBar(percent, label, status) {
  return el('progress', { className: `is-${status}`, attrs: { max: 100, value: percent, 'aria-label': label } });
}

/** @param {string} datetime ISO @param {string} text */
export const timeEl = (datetime, text) => el('time', { text, attrs: { datetime } });

/** Shows `message` in a problem box (role=alert), or hides it when null. @param {HTMLElement} node @param {string | null} message */
export function showError(node, message) {
  node.textContent = message ?? '';
  node.hidden = message === null;
}
