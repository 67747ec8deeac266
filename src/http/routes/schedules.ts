/**
 * /v1/schedules: recurring batches (model/schedules.ts). A schedule belongs to its key's tenant
 * (another tenant's is a 404, as a batch); its batch is checked as a POST /v1/batches body would
 * be, and the tenant's schedule quotas (how many, the shortest interval, the batch size) bind
 * every key, an admin's too: the ticks run on the tenant's account. The ticks themselves are
 * taken by every replica's scheduler (engine/scheduler.ts), each exactly once.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../config.js';
import type { Engine } from '../../engine/engine.js';
import { nextTicks, shortestGap, specProblem, type BatchTemplate, type Schedule as ScheduleModel, type ScheduleInput, type ScheduleSpec } from '../../model/schedules.js';
import type { Principal, ResolvedQuotas } from '../../model/tenants.js';
import type { Schedules } from '../../store/store.js';
import { shownCallbackUrl } from '../../store/views.js';
import { canSee } from '../auth.js';
import { checkBatchBody } from '../batch-checks.js';
import { HttpError, notFound, type FieldError } from '../problem.js';
import type { QuotaBook } from '../quotas.js';
import { Schedule, ScheduleCreate, SchedulePage, ScheduleListQuery, ScheduleUpdate } from '../schedule-schemas.js';
import { IdParams, json, problems, type CreateBatchBody } from '../schemas.js';

export interface ScheduleRouteDeps {
  config: Config;
  store: Schedules;
  engine: Pick<Engine, 'scheduler'>;
  quotas: QuotaBook;
}

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString());

/** The spec a body names (cron with its time zone, or everyMs), over `current` for an update; undefined: the body names none. */
function specOf(body: { cron?: string; timezone?: string; everyMs?: number }, current?: ScheduleSpec): ScheduleSpec | undefined {
  if (body.cron !== undefined && body.everyMs !== undefined) {
    throw new HttpError(400, 'invalid-schedule', 'a schedule has a cron expression or everyMs, not both',
      [{ path: '/body/everyMs', message: 'is set with cron' }]);
  }
  if (body.everyMs !== undefined) {
    if (body.timezone !== undefined) {
      throw new HttpError(400, 'invalid-schedule', 'timezone applies only to a cron expression', [{ path: '/body/timezone', message: 'is set without cron' }]);
    }
    return { everyMs: body.everyMs };
  }
  const cron = body.cron ?? (current && 'cron' in current && body.timezone !== undefined ? current.cron : undefined);
  if (cron === undefined) {
    if (body.timezone !== undefined) {
      throw new HttpError(400, 'invalid-schedule', 'timezone applies only to a cron expression', [{ path: '/body/timezone', message: 'is set without cron' }]);
    }
    if (current) return undefined;
    throw new HttpError(400, 'invalid-schedule', 'a schedule needs cron (with an optional timezone) or everyMs',
      [{ path: '/body/cron', message: 'is missing (or set everyMs)' }]);
  }
  return { cron, timezone: body.timezone ?? (current && 'cron' in current ? current.timezone : 'UTC') };
}

/** Throws the 400 or 403 for a spec this server cannot schedule or the tenant may not have. */
function checkSpec(spec: ScheduleSpec, jitterMs: number, quotas: ResolvedQuotas, now: number): void {
  const problem = specProblem(spec);
  if (problem) throw new HttpError(400, 'invalid-schedule', `${problem.path} ${problem.message}`, [problem]);
  const gap = shortestGap(spec, now);
  const path = 'everyMs' in spec ? '/body/everyMs' : '/body/cron';
  if (gap < quotas.minScheduleIntervalMs) {
    throw new HttpError(403, 'quota-exceeded', `${path} ticks ${gap} ms apart; this tenant's minScheduleIntervalMs is ${quotas.minScheduleIntervalMs}; nothing was changed`,
      [{ path, message: `ticks ${gap} ms apart, less than ${quotas.minScheduleIntervalMs} (the shortest interval of this tenant)` }]);
  }
  if (jitterMs >= gap) {
    throw new HttpError(400, 'invalid-schedule', `/body/jitterMs must be less than the ${gap} ms between two ticks`,
      [{ path: '/body/jitterMs', message: `must be less than ${gap} (the time between two ticks)` }]);
  }
}

/** Checks the batch as a POST of it would be, and its size against the tenant's maxScheduleBatch; returns the template stored. */
function templateOf(body: CreateBatchBody, config: Config, quotas: ResolvedQuotas, tenant: string, admin: boolean): BatchTemplate {
  const stages = checkBatchBody(body, config, admin ? null : quotas, tenant, '/body/batch');
  if (body.clientIds.length > quotas.maxScheduleBatch) {
    const error: FieldError = { path: '/body/batch/clientIds', message: `must hold at most ${quotas.maxScheduleBatch} ids (the maxScheduleBatch of this tenant)` };
    throw new HttpError(403, 'quota-exceeded', `${error.path} ${error.message}; nothing was changed`, [error]);
  }
  return {
    clientIds: body.clientIds, priority: body.priority ?? 0, label: body.label ?? null, callbackUrl: body.callbackUrl ?? null,
    maxConcurrency: body.maxConcurrency ?? null, retry: body.retry ?? null, timeouts: body.timeouts ?? null, simulation: body.simulation ?? null,
    stages, crmKey: body.crmKey ?? null, flowKey: body.flowKey ?? null,
  };
}

export const scheduleRoutes: FastifyPluginAsyncTypebox<ScheduleRouteDeps> = async (app, { config, store, engine, quotas: book }) => {
  const view = async (s: ScheduleModel) => {
    const ticks = await store.scheduleTicks(s.id, 10);
    const { template: t } = s;
    return {
      id: s.id, tenant: s.tenant, name: s.name,
      cron: 'cron' in s.spec ? s.spec.cron : null, timezone: 'cron' in s.spec ? s.spec.timezone : null, everyMs: 'everyMs' in s.spec ? s.spec.everyMs : null,
      batch: {
        clientIds: t.clientIds, priority: t.priority, label: t.label, maxConcurrency: t.maxConcurrency, retry: t.retry, timeouts: t.timeouts,
        simulation: t.simulation, callbackUrl: t.callbackUrl === null ? null : shownCallbackUrl(t.callbackUrl), stages: t.stages ?? 'simulated',
        crmKey: t.crmKey ?? null, flowKey: t.flowKey ?? null,
      },
      overlap: s.overlap, catchUp: s.catchUp, catchUpWindowMs: s.catchUpWindowMs, jitterMs: s.jitterMs, paused: s.paused,
      nextRuns: (s.nextTickAt === null ? [] : [s.nextTickAt, ...nextTicks(s.spec, s.anchorAt, s.nextTickAt, 4)]).map((at) => iso(at)!),
      lastTickAt: iso(s.lastTickAt), lastBatchId: s.lastBatchId, lastError: s.lastError,
      recentTicks: ticks.map((k) => ({ tickAt: iso(k.tickAt)!, outcome: k.outcome, batchId: k.batchId, reason: k.reason, at: iso(k.at)! })),
      createdAt: iso(s.createdAt)!, updatedAt: iso(s.updatedAt)!,
      links: { self: `/v1/schedules/${s.id}`, batches: ticks.flatMap((k) => (k.batchId ? [`/v1/batches/${k.batchId}`] : [])) },
    };
  };
  const owned = async (principal: Principal, id: string) => {
    const s = await store.getSchedule(id);
    if (!s || !canSee(principal, s.tenant)) throw notFound('schedule', id);
    return s;
  };
  /** Writes a change to a schedule the caller may see; the scheduler here looks at once (its next tick may be sooner). */
  const change = async (id: string, patch: Partial<ScheduleInput>) => {
    const updated = await store.updateSchedule(id, patch, Date.now());
    if (!updated) throw notFound('schedule', id);
    engine.scheduler?.wake();
    return view(updated);
  };

  app.post('/v1/schedules', {
    schema: {
      operationId: 'createSchedule',
      summary: 'Create a schedule: a batch submitted on a cron expression or an interval',
      description: 'Each tick submits the batch once across every replica (its Idempotency-Key is derived from the schedule '
        + 'and the tick time), through restarts: a tick missed while no replica ran follows catchUp.',
      tags: ['schedules'],
      body: ScheduleCreate,
      response: {
        201: json(Schedule, 'Created.', { Location: { type: 'string', description: 'The schedule: /v1/schedules/{id}' } }),
        ...problems(400, 401, 403, 413, 415),
      },
    },
  }, async (request, reply) => {
    const body = request.body;
    const { tenant, admin } = request.principal;
    const quotas = await book.of(tenant);
    const now = Date.now();
    const spec = specOf(body)!;
    const jitterMs = body.jitterMs ?? 0;
    checkSpec(spec, jitterMs, quotas, now);
    const template = templateOf(body.batch, config, quotas, tenant, admin);
    const created = await store.createSchedule({
      tenant, name: body.name ?? null, spec, template, overlap: body.overlap ?? 'skip', catchUp: body.catchUp ?? 'latest',
      catchUpWindowMs: body.catchUpWindowMs ?? 3_600_000, jitterMs, paused: body.paused ?? false,
    }, now, { maxSchedules: quotas.maxSchedules });
    engine.scheduler?.wake();
    request.log.info({ scheduleId: created.id, nextTickAt: iso(created.nextTickAt) }, 'schedule created');
    reply.header('location', `/v1/schedules/${created.id}`);
    return reply.code(201).send(await view(created));
  });

  app.get('/v1/schedules', {
    schema: {
      operationId: 'listSchedules', summary: 'List schedules, newest first, with their next runs and recent ticks', tags: ['schedules'],
      querystring: ScheduleListQuery, response: { 200: SchedulePage, ...problems(400, 403) },
    },
  }, async (request) => {
    const { limit = 50, cursor, tenant } = request.query;
    const { principal } = request;
    if (tenant !== undefined && !canSee(principal, tenant)) {
      throw new HttpError(403, 'forbidden', 'only an admin key lists another tenant\'s schedules', [{ path: '/querystring/tenant', message: 'is not this key\'s tenant' }]);
    }
    const page = await store.listSchedules({ limit, cursor, tenant: principal.admin ? tenant : principal.tenant });
    return { items: await Promise.all(page.items.map(view)), nextCursor: page.nextCursor };
  });

  app.get('/v1/schedules/:id', {
    schema: {
      operationId: 'getSchedule', summary: 'Get a schedule with its next runs and recent ticks', tags: ['schedules'],
      params: IdParams, response: { 200: Schedule, ...problems(400, 404) },
    },
  }, async (request) => view(await owned(request.principal, request.params.id)));

  app.patch('/v1/schedules/:id', {
    schema: {
      operationId: 'updateSchedule', summary: 'Change a schedule', tags: ['schedules'],
      description: 'Changes what the body sets. A new cron, timezone or everyMs starts again from the first tick after now.',
      params: IdParams, body: ScheduleUpdate, response: { 200: Schedule, ...problems(400, 403, 404, 413, 415) },
    },
  }, async (request) => {
    const body = request.body;
    const current = await owned(request.principal, request.params.id);
    const quotas = await book.of(current.tenant);
    const spec = specOf(body, current.spec);
    const jitterMs = body.jitterMs ?? current.jitterMs;
    if (spec !== undefined || body.jitterMs !== undefined) checkSpec(spec ?? current.spec, jitterMs, quotas, Date.now());
    const patch: Partial<ScheduleInput> = {
      ...(spec && { spec }), ...(body.name !== undefined && { name: body.name }),
      ...(body.batch && { template: templateOf(body.batch, config, quotas, current.tenant, request.principal.admin) }),
      ...(body.overlap && { overlap: body.overlap }), ...(body.catchUp && { catchUp: body.catchUp }),
      ...(body.catchUpWindowMs !== undefined && { catchUpWindowMs: body.catchUpWindowMs }), ...(body.jitterMs !== undefined && { jitterMs }),
    };
    return change(current.id, patch);
  });

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/v1/schedules/:id/${action}`, {
      schema: {
        operationId: `${action}Schedule`,
        summary: paused ? 'Pause a schedule: no tick fires from now, on any replica' : 'Resume a schedule from the first tick after now',
        description: paused ? 'A pass taking a tick at this moment finishes first; none starts after.'
          : 'Ticks that fell while it was paused are not caught up.',
        tags: ['schedules'], params: IdParams, response: { 200: Schedule, ...problems(400, 404) },
      },
    }, async (request) => {
      const current = await owned(request.principal, request.params.id);
      return change(current.id, { paused });
    });
  }

  app.delete('/v1/schedules/:id', {
    schema: {
      operationId: 'deleteSchedule', summary: 'Delete a schedule (its batches stay)', tags: ['schedules'],
      params: IdParams, response: { 204: { description: 'Deleted: no tick fires from now, on any replica.', type: 'null' }, ...problems(400, 404) },
    },
  }, async (request, reply) => {
    const current = await owned(request.principal, request.params.id);
    if (!(await store.deleteSchedule(current.id))) throw notFound('schedule', current.id);
    return reply.code(204).send(null);
  });
};
