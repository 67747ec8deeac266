/**
 * Schemas of what a caller reads back after a run: the export of a batch's results (one row per
 * workflow, NDJSON or CSV), failed workflows across batches, and failed webhook deliveries.
 * Named like schemas.ts's, registered when this file is imported (shared-schemas.ts).
 */
import Type from 'typebox';
import { STAGES, WORKFLOW_STATUSES, STAGE_STATUSES } from '../model/statuses.js';
import { Enum, Id, Ms, Nullable, Time, named } from './schema-kit.js';
import { ClientId, STORED_TEXT, TenantId, WebhookState, listQuery, pageOf } from './schemas.js';

// --- Export: GET /v1/batches/{id}/results ------------------------------------------------------

/** The formats an export is written in; the first is the default. */
export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const StageTiming = named('StageTiming', Type.Object({
  status: Enum(STAGE_STATUSES, 'The stage\'s status.'),
  attempts: Type.Integer({ minimum: 0 }),
  durationMs: Nullable(Ms),
}, { description: 'One stage of one workflow in an export: its status, attempts and how long its last attempt took.' }));

export const ExportRow = named('ExportRow', Type.Object({
  workflowId: Id('workflow'),
  clientId: ClientId,
  status: Enum(WORKFLOW_STATUSES, 'The workflow\'s status when its page was read.'),
  finishedAt: Nullable(Time),
  durationMs: Nullable(Ms),
  result: Nullable(Type.Unsafe<Record<string, unknown>>(Type.Object({}, { additionalProperties: true, description: 'What the store stage persisted.' }))),
  error: Nullable(Type.Object({ stage: Enum(STAGES, 'The stage that failed.'), code: Type.String(), message: Type.String() })),
  stages: Type.Object(Object.fromEntries(STAGES.map((s) => [s, StageTiming])) as Record<(typeof STAGES)[number], typeof StageTiming>),
}, {
  description: 'One line of an NDJSON export: one workflow with its result or error and its stage timings. '
    + 'The CSV export has the same fields as columns (see the operation).',
}));

export const ExportQuery = Type.Object({
  status: Type.Optional(Enum(WORKFLOW_STATUSES, 'Only workflows with this status (when their page is read).')),
  format: Type.Optional(Enum(EXPORT_FORMATS, 'ndjson or csv; overrides Accept (for a link a browser follows).')),
});

// --- Failed workflows across batches: GET /v1/workflows?status=failed ---------------------------

export const FailedWorkflowQuery = Type.Object({
  status: Enum(['failed'], 'Which workflows: `failed` (the only status listed across batches; a batch\'s list takes any).'),
  stage: Type.Optional(Enum(STAGES, 'Only those that failed in this stage.')),
  errorCode: Type.Optional(Type.String({
    minLength: 1, maxLength: 128, pattern: STORED_TEXT,
    description: 'Only those whose error has this code (e.g. TIMEOUT, HTTP_500).',
    'x-error': 'must be 1 to 128 characters of text, without NUL characters or unpaired surrogates',
  })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Only those that failed at or after this time (ISO-8601).' })),
  limit: listQuery(Type.Never()).limit,
  cursor: listQuery(Type.Never()).cursor,
  tenant: Type.Optional({ ...TenantId, description: 'Only this tenant\'s (an admin key; any other key lists only its own tenant\'s).' }),
});

// --- Failed webhook deliveries: GET /v1/webhooks?status=failed -----------------------------------

export const WebhookDelivery = named('WebhookDelivery', Type.Object({
  batchId: Id('batch'),
  tenant: TenantId,
  label: Nullable(Type.String()),
  finishedAt: Nullable(Time),
  webhook: WebhookState,
  links: Type.Object({
    batch: Type.String(),
    redeliver: Type.String({ description: 'POST here (Content-Type: application/json) to send it again.' }),
  }),
}, { description: 'A batch\'s webhook delivery: every attempt failed.' }));
export const WebhookDeliveryPage = pageOf('WebhookDeliveryPage', WebhookDelivery);

export const WebhookListQuery = Type.Object({
  status: Enum(['failed'], 'Which deliveries: `failed` (every attempt failed; pending and delivered ones show on their batch).'),
  limit: listQuery(Type.Never()).limit,
  cursor: listQuery(Type.Never()).cursor,
  tenant: Type.Optional({ ...TenantId, description: 'Only this tenant\'s (an admin key; any other key lists only its own tenant\'s).' }),
});
