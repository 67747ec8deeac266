/**
 * The little XML the timeline needs, built as strings. Everything that came from a caller (client
 * ids, labels) goes through `escapeXml`, which also replaces characters XML 1.0 forbids even when
 * escaped (control characters, lone surrogates): a client id may be any string of 1..128 chars.
 */

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
// The `u` flag makes a valid surrogate pair one code point, so only lone surrogates match.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

// Anything escapeXml might change: the five specials, control characters, surrogates, U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Safe in text and in single- or double-quoted attributes. */
export function escapeXml(text: string): string {
  // Most text (stage names, numbers, plain ids) needs nothing: skip the two replaces.
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** A coordinate: at most two decimals, no trailing zeros, never "-0". */
export function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return String(r === 0 ? 0 : r);
}

type AttrValue = string | number | null | undefined;

/** ` name="value"` for each attribute that is set; values are escaped, numbers rounded. */
export function attrs(a: Record<string, AttrValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(a)) {
    if (value === null || value === undefined) continue;
    out += ` ${name}="${typeof value === 'number' ? num(value) : escapeXml(value)}"`;
  }
  return out;
}

/** One element; `children` is already XML (escape text with `escapeXml` first). */
export function el(name: string, a: Record<string, AttrValue>, children?: string): string {
  return children === undefined ? `<${name}${attrs(a)}/>` : `<${name}${attrs(a)}>${children}</${name}>`;
}

/** Shortens `text` to `max` code points with an ellipsis (the full text goes in a tooltip). */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
