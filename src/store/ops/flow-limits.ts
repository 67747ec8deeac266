/** Setting a flow key's limit (model/flow-limits.ts): a new one starts with a full bucket, a changed one keeps its tokens up to its burst. */
import { withSpec, type FlowLimit, type FlowLimitSpec } from '../../model/flow-limits.js';
import { call, type Steps } from './steps.js';

export function* putFlowLimit(key: string, spec: FlowLimitSpec, now: number): Steps<FlowLimit> {
  const limit = withSpec(key, spec, yield* call('flowLimitForWrite', key), now);
  yield* call('writeFlowLimit', limit);
  return limit;
}
