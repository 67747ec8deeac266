/** A span's context as a W3C `traceparent` header value (what a batch stores and requests carry). */
export function traceparentOf(context: { traceId: string; spanId: string; traceFlags: number }): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
