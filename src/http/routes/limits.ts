/**
 * Flow limits per key (model/flow-limits.ts), for admin keys only: a key's limit names another
 * party's quota (a CRM tenant), shared by every tenant whose batches name the key, so neither
 * setting nor reading it belongs to one tenant. FLOW_LIMITS sets limits at start the same way.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FlowUsage } from '../../model/flow-limits.js';
import type { FlowLimits } from '../../store/store.js';
import { requireAdmin } from '../auth.js';
import { HttpError, notFound } from '../problem.js';
import { FlowLimitBody, FlowLimitParams, FlowLimitView, problems } from '../schemas.js';

export interface LimitRouteDeps {
  store: FlowLimits;
}

export function limitView({ limit, inUse, waiting, tokens }: FlowUsage) {
  return {
    key: limit.key, concurrency: limit.concurrency, rate: limit.rate, periodMs: limit.periodMs, burst: limit.burst,
    inUse, waiting, throttled: limit.throttled, tokens,
    pausedUntil: limit.pausedUntil === 0 ? null : new Date(limit.pausedUntil).toISOString(), pauses: limit.pauses,
  };
}

export const limitRoutes: FastifyPluginAsyncTypebox<LimitRouteDeps> = async (app, { store }) => {
  app.get('/v1/limits/:key', {
    schema: {
      operationId: 'getFlowLimit', summary: "A flow key's limit and use (admin)", tags: ['limits'],
      params: FlowLimitParams, response: { 200: FlowLimitView, ...problems(400, 403, 404) },
    },
  }, async (request) => {
    requireAdmin(request);
    const usage = await store.getFlowLimit(request.params.key, Date.now());
    if (usage === null) throw notFound('flow limit', request.params.key);
    return limitView(usage);
  });

  app.put('/v1/limits/:key', {
    schema: {
      operationId: 'putFlowLimit',
      summary: "Set a flow key's limit (admin)",
      description: 'Replaces the key\'s limit; a field left out or null does not limit. Every workflow of every batch naming the key '
        + '(`flowKey`) shares it on every replica from the next claim. A new rate starts with a full bucket; a changed one keeps its tokens up to its burst.',
      tags: ['limits'],
      params: FlowLimitParams, body: FlowLimitBody, response: { 200: FlowLimitView, ...problems(400, 403, 413, 415) },
    },
  }, async (request) => {
    requireAdmin(request);
    const { key } = request.params;
    const { concurrency = null, rate = null, periodMs = null, burst = null } = request.body;
    if ((rate === null) !== (periodMs === null)) {
      throw new HttpError(400, 'invalid-limit', 'rate and periodMs go together: set both or neither',
        [{ path: rate === null ? '/body/rate' : '/body/periodMs', message: 'is missing' }]);
    }
    if (burst !== null && rate === null) {
      throw new HttpError(400, 'invalid-limit', 'burst needs a rate', [{ path: '/body/burst', message: 'is set without rate' }]);
    }
    const now = Date.now();
    await store.putFlowLimit(key, { concurrency, rate, periodMs, burst }, now);
    request.log.info({ flowKey: key, concurrency, rate, periodMs, burst }, 'flow limit set');
    return limitView((await store.getFlowLimit(key, now))!);
  });
};
