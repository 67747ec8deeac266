/**
 * TypeBox schemas of /v1/schedules (routes/schedules.ts), named like the rest of the API
 * (schema-kit.ts). A schedule's batch is written as a POST /v1/batches body (BatchCreate) and
 * checked the same way; a tick's label may hold `{tick}`.
 */
import Type from 'typebox';
import { CATCH_UP_POLICIES, OVERLAP_POLICIES, TICK_OUTCOMES } from '../model/schedules.js';
import { Enum, Id, Nullable, Time, named } from './schema-kit.js';
import {
  BatchCreate, ClientId, CrmKey, FlowKey, MaxConcurrency, RetryOptions, STORED_TEXT, Simulation, StageSet, StageTimeouts, TenantId,
} from './schemas.js';

const DAY_MS = 86_400_000;

const Name = Type.String({
  minLength: 1, maxLength: 200, pattern: STORED_TEXT,
  description: 'Free text shown with the schedule (and in its batches\' labels when they set none): 1 to 200 characters.',
  'x-error': 'must be 1 to 200 characters of text, without NUL characters or unpaired surrogates',
});
const Cron = Type.String({
  minLength: 1, maxLength: 200,
  description: 'A cron expression as croner reads it: 5 fields (minute hour day month weekday), or 6 with seconds first '
    + '(e.g. "*/2 * * * * *"), or a nickname (@hourly, @daily, @weekly, @monthly, @yearly). Daylight-saving changes follow '
    + 'croner\'s documented rule: a time in a skipped hour runs at the end of the gap (fixed times) or not at all (steps); '
    + 'a repeated hour runs once (fixed times) or twice (steps).',
  examples: ['0 0 3 * * *'],
});
const Timezone = Type.String({
  minLength: 1, maxLength: 64, description: 'The IANA time zone the cron expression is read in. Default UTC.', examples: ['Europe/Madrid'],
});
const EveryMs = Type.Integer({
  minimum: 1000, maximum: 31 * DAY_MS,
  description: 'Instead of cron: a tick every this many ms, counted from when it was set (the tenant\'s minScheduleIntervalMs at least).',
});
const Overlap = Enum(OVERLAP_POLICIES, 'While the previous batch of the schedule is unfinished: skip the tick (default), allow it, or cancel that batch first.');
const CatchUp = Enum(CATCH_UP_POLICIES, 'Ticks missed by more than SCHEDULE_MISFIRE_MS (the server was down): none skips them, '
  + 'latest (default) fires the latest of them, all fires every one within catchUpWindowMs.');
const CatchUpWindow = Type.Integer({ minimum: 1000, maximum: 30 * DAY_MS, description: 'With catchUp all: how old a missed tick may be and still fire, ms. Default 1 hour.' });
const Jitter = Type.Integer({
  minimum: 0, maximum: 3_600_000,
  description: 'Each tick fires up to this much after its time, the same delay on every replica; less than the time between two ticks. Default 0.',
});

const definition = {
  name: Name,
  batch: BatchCreate,
  overlap: Overlap,
  catchUp: CatchUp,
  catchUpWindowMs: CatchUpWindow,
  jitterMs: Jitter,
};

export const ScheduleCreate = named('ScheduleCreate', Type.Object({
  ...Object.fromEntries(Object.entries(definition).map(([k, v]) => [k, k === 'batch' ? v : Type.Optional(v)])) as {
    name: ReturnType<typeof Type.Optional<typeof Name>>; batch: typeof BatchCreate; overlap: ReturnType<typeof Type.Optional<typeof Overlap>>;
    catchUp: ReturnType<typeof Type.Optional<typeof CatchUp>>; catchUpWindowMs: ReturnType<typeof Type.Optional<typeof CatchUpWindow>>;
    jitterMs: ReturnType<typeof Type.Optional<typeof Jitter>>;
  },
  cron: Type.Optional(Cron),
  timezone: Type.Optional(Timezone),
  everyMs: Type.Optional(EveryMs),
  paused: Type.Optional(Type.Boolean({ description: 'Created paused: no tick until it is resumed. Default false.' })),
}, {
  additionalProperties: false,
  description: 'A schedule: when (cron with timezone, or everyMs), the batch each tick submits (a POST /v1/batches body; '
    + '"{tick}" in its label becomes the tick\'s time), and what to do about overlaps and missed ticks.',
  examples: [{ name: 'nightly sync', cron: '0 0 3 * * *', timezone: 'Europe/Madrid', batch: { clientIds: [1, 2, 3], label: 'nightly {tick}' } }],
}));

export const ScheduleUpdate = named('ScheduleUpdate', Type.Object({
  name: Type.Optional(Nullable(Name)),
  cron: Type.Optional(Cron),
  timezone: Type.Optional(Timezone),
  everyMs: Type.Optional(EveryMs),
  batch: Type.Optional(BatchCreate),
  overlap: Type.Optional(Overlap),
  catchUp: Type.Optional(CatchUp),
  catchUpWindowMs: Type.Optional(CatchUpWindow),
  jitterMs: Type.Optional(Jitter),
}, {
  additionalProperties: false,
  description: 'What to change; the rest stays. A new cron or everyMs starts again from the first tick after now.',
  examples: [{ cron: '0 30 2 * * *' }],
}));

export const ScheduleTick = named('ScheduleTick', Type.Object({
  tickAt: Time,
  outcome: Enum(TICK_OUTCOMES, 'fired: a batch was made; skipped: none, reason says why.'),
  batchId: Nullable(Id('batch')),
  reason: Nullable(Type.String({ description: 'Why no batch: missed (catch-up), overlap, or a quota, with the numbers.' })),
  at: Time,
}, { description: 'One tick taken (at most one per schedule and time, across every replica): schedule.fired or schedule.skipped.' }));

const ScheduleBatch = Type.Object({
  clientIds: Type.Array(ClientId),
  priority: Type.Integer(),
  label: Nullable(Type.String({ description: 'The label template; null: the schedule\'s name and the tick\'s time.' })),
  maxConcurrency: Nullable(MaxConcurrency),
  retry: Nullable(RetryOptions),
  timeouts: Nullable(StageTimeouts),
  simulation: Nullable(Simulation),
  callbackUrl: Nullable(Type.String({ description: 'As a batch\'s webhook url shows it: scheme, host and port, then "/…".' })),
  stages: StageSet,
  crmKey: Nullable(CrmKey),
  flowKey: Nullable(FlowKey),
}, { description: 'The batch each tick submits.' });

export const Schedule = named('Schedule', Type.Object({
  id: Id('schedule'),
  tenant: TenantId,
  name: Nullable(Type.String()),
  cron: Nullable(Type.String()),
  timezone: Nullable(Type.String()),
  everyMs: Nullable(Type.Integer()),
  batch: ScheduleBatch,
  overlap: Overlap,
  catchUp: CatchUp,
  catchUpWindowMs: Type.Integer(),
  jitterMs: Type.Integer(),
  paused: Type.Boolean(),
  nextRuns: Type.Array(Time, { description: 'The next tick times (up to 5); empty while paused.' }),
  lastTickAt: Nullable(Time),
  lastBatchId: Nullable(Id('batch')),
  lastError: Nullable(Type.String({ description: 'Why the last tick made no batch; null once one does.' })),
  recentTicks: Type.Array(ScheduleTick, { description: 'The latest ticks taken, newest first (up to 10).' }),
  createdAt: Time,
  updatedAt: Time,
  links: Type.Object({ self: Type.String(), batches: Type.Array(Type.String(), { description: 'The recent ticks\' batches.' }) }),
}, { description: 'A schedule, its next runs and its recent ticks.' }));

export const SchedulePage = named('SchedulePage', Type.Object({
  items: Type.Array(Schedule),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last.' })),
}, { description: 'One page of schedules, newest first.' }));

export const ScheduleListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Page size, 1..100.' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'nextCursor from the previous page.' })),
  tenant: Type.Optional({ ...TenantId, description: 'Only this tenant\'s schedules (an admin key; any other key lists only its own).' }),
});
