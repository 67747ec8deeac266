/**
 * What tracing is configured with, and the parsers config.ts checks the OTEL_* variables with:
 * pure, and light to load (the SDK itself is imported only when tracing is on: service.ts).
 */

/** OTEL_TRACES_SAMPLER's values, as the OpenTelemetry specification names them. */
export const SAMPLERS = [
  'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio', 'always_on', 'always_off', 'traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

/** The OTLP transports this service exports over (not gRPC). */
export const PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export interface TracingOptions {
  /** The OTLP/HTTP traces URL spans are POSTed to (…/v1/traces). */
  url: string;
  protocol: Protocol;
  /** Sent with every export (an API token, …). */
  headers: Record<string, string>;
  /** Resource attributes; `service.name` among them. */
  resource: Record<string, string>;
  sampler: SamplerName;
  /** The ratio of the traceidratio samplers, 0..1. */
  samplerArg: number;
  /** Told when an export fails (at most once a minute), so a collector that is down shows in the log. */
  onExportError?: (error: Error) => void;
}

/** An HTTP header name (RFC 9110 token). */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The OpenTelemetry form of OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES: `key=value`
 * pairs separated by commas, values percent-encoded; `headers`: keys must be header names. An
 * Error names the wrong entry by its position, never by its text: a header entry may hold a token.
 */
export function parseKeyValues(text: string, headers = false): Record<string, string> {
  const out: Record<string, string> = {};
  text.split(',').forEach((part, i) => {
    if (part.trim() === '') return;
    const at = `entry ${i + 1}`;
    const eq = part.indexOf('=');
    const key = eq < 0 ? '' : part.slice(0, eq).trim();
    if (key === '') throw new Error(`${at} is not key=value`);
    if (headers && !TOKEN.test(key)) throw new Error(`${at}: the key is not an HTTP header name`);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new Error(`${at}: the value is not valid percent-encoding`);
    }
    // A header value with a line break could smuggle another header into the export request.
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`${at}: the value holds a control character`);
    out[key] = value;
  });
  return out;
}
