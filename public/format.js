// @ts-check
// Numbers and times as the dashboard shows them. Every time is in one format, the local
// 24-hour clock "YYYY-MM-DD HH:MM:SS" (the event log shows its time part, to the millisecond).

/**
 * A duration: "250 ms", "1.25 s", "2 min 5 s", "1 h 5 min". Each unit is rounded before it is
 * shown, so a value never reads as "60 s" or "1000 ms" of the unit below.
 * @param {number | null | undefined} ms
 */
export function formatMs(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  const centis = Math.round(ms / 10);
  if (centis < 6000) return `${(centis / 100).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  const minutes = Math.round(ms / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** @param {number} p */
export function formatPercent(p) {
  return `${Number.isInteger(p) ? p : p.toFixed(1)} %`;
}

/** @param {number} n */
export const formatCount = (n) => n.toLocaleString('en-US');

/** @param {number} n @param {number} [width] */
const pad = (n, width = 2) => String(n).padStart(width, '0');

/**
 * A moment as "2026-12-07 14:05:09", local time.
 * @param {string | number | Date} at an ISO string, epoch ms or a Date
 */
export function formatTime(at) {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return '–';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * The time part of formatTime with milliseconds, "14:05:09.120": the event log's clock.
 * @param {number} epochMs
 */
export function formatClock(epochMs) {
  const d = new Date(epochMs);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * What a batch is called: its label, or its size and when it was made ("5 clients, 2026-12-07
 * 14:05:09") — its id says nothing to a reader.
 * @param {{ label: string | null, createdAt: string, progress: { total: number } }} batch
 */
export function batchName(batch) {
  if (batch.label) return batch.label;
  const n = batch.progress.total;
  return `${formatCount(n)} client${n === 1 ? '' : 's'}, ${formatTime(batch.createdAt)}`;
}

/**
 * Splits on commas, spaces and new lines. Whole numbers without leading zeros become numbers
 * (the API compares ids as sent: "7" and 7 differ); every other token stays a string.
 * @param {string} text
 * @returns {Array<string | number>}
 */
export function parseClientIds(text) {
  return text.split(/[\s,]+/).filter((t) => t.length > 0).map((t) => {
    const n = Number(t);
    return /^(0|[1-9]\d*)$/.test(t) && Number.isSafeInteger(n) ? n : t;
  });
}
