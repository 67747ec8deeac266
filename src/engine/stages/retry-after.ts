/**
 * An HTTP `Retry-After` value in ms from `now` (RFC 9110 §10.2.3): delay-seconds (`120`) or an
 * HTTP date. Null when absent or unreadable; a date in the past is 0.
 */
export function retryAfterMs(value: string | string[] | undefined, now: number): number | null {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return null;
  if (/^\d+$/.test(raw)) return Math.min(Number(raw), 2 ** 31) * 1000;
  // Only a date with a weekday or a comma: Date.parse would take "5" or "1e3" as a year.
  if (!/[A-Za-z]{3}/.test(raw)) return null;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
