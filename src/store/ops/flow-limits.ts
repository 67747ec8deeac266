/** Setting a flow key's limit (model/flow-limits.ts): a new one starts with a full bucket, a changed one keeps its tokens up to its burst. */
import { paused, withSpec, type FlowLimit, type FlowLimitSpec } from '../../model/flow-limits.js';
import { call, type Steps } from './steps.js';

export function* putFlowLimit(key: string, spec: FlowLimitSpec, now: number): Steps<FlowLimit> {
  const limit = withSpec(key, spec, yield* call('flowLimitForWrite', key), now);
  yield* call('writeFlowLimit', limit);
  return limit;
}

/**
 * Pauses the key until `until` (the CRM's Retry-After): every claim, on every process, leaves its
 * work until then (model/flow-limits.ts flowRoom). A later pause extends it, an earlier one does nothing.
 */
export function* pauseFlow(key: string, until: number, now: number): Steps<FlowLimit | null> {
  const limit = paused(key, yield* call('flowLimitForWrite', key), until, now);
  if (limit !== null) yield* call('writeFlowLimit', limit);
  return limit;
}
