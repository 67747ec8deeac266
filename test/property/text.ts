/** Text generators shared by the request generators: hostile strings, and header values a socket can carry. */
import fc from 'fast-check';

/** Characters that break naive code: controls, quotes, separators, lone surrogates, RTL, zero-width, astral. */
const NASTY = [
  '\u0000', '\u0001', '\u001f', '\u007f', '\b', '\t', '\n', '\r', '"', "'", '\\', '/', '%', '?', '#', '&', '=', '<', '>',
  '\u0085', '\u00a0', '\u2028', '\u2029', '\u200b', '\u202e', '\ufeff', '\ufffd', '\ud800', '\udfff', '🙂', '👩‍👩‍👧', 'é', 'ß', '中',
  '${', '{{', '%s', '%00', '..', 'null', 'undefined', 'NaN',
];

/** Any string, biased towards characters that hurt. */
export const nastyString = (maxLength = 40): fc.Arbitrary<string> => fc.oneof(
  fc.string({ maxLength }),
  fc.string({ unit: 'grapheme', maxLength }),
  fc.string({ unit: fc.constantFrom(...NASTY), maxLength: Math.max(1, Math.floor(maxLength / 3)) }),
  fc.string({ unit: 'binary', maxLength }),
);

/**
 * A header value as it can arrive over a socket: tab, visible ASCII, space and obs-text (bytes
 * 0x80-0xFF, which Node reads as latin1). Control characters and code points above 0xFF cannot
 * reach the app over HTTP, so they are not generated here (inject would pass them through).
 */
export const headerValue = (maxLength = 60): fc.Arbitrary<string> => fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength }),
  fc.string({
    unit: fc.oneof(fc.constant('\t'), fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
      .map((c) => (typeof c === 'string' ? c : String.fromCharCode(c))),
    maxLength,
  }),
);

/** Header values: ordinary, odd, and one very long. */
export const oddHeaderValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: headerValue(60) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\t', 'null', '0', '-1', '1e999', '../../etc/passwd', '<script>', "'; DROP TABLE batches; --") },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 8192 }).map((n) => 'x'.repeat(n)) },
);

/**
 * encodeURIComponent that never throws: a lone surrogate cannot travel in a URL (a client would
 * send U+FFFD's bytes, as Buffer.from does), so it is sent as U+FFFD.
 */
export const encode = (text: string): string => encodeURIComponent(text.replace(/\p{Surrogate}/gu, '\ufffd'));
