/**
 * JSON as the docs show it: the exact JSON an answer holds, with an object or array that does
 * not fit on one line of WIDTH broken into one member per line. Values are never changed.
 */
const WIDTH = 110;

/** `used`: characters already on the line before the value (its indent and key). */
export function formatJson(value: unknown, indent = '', used = indent.length): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return 'undefined';
  if (value === null || typeof value !== 'object' || used + flat.length <= WIDTH) return flat;
  const inner = `${indent}  `;
  const members = Array.isArray(value)
    ? value.map((v) => inner + formatJson(v, inner))
    : Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const head = `${inner}${JSON.stringify(k)}:`;
      return head + formatJson(v, inner, head.length);
    });
  return members.length === 0 ? flat : `${Array.isArray(value) ? '[' : '{'}\n${members.join(',\n')}\n${indent}${Array.isArray(value) ? ']' : '}'}`;
}
