/**
 * The events of GET /v1/batches/{id}/events, one named schema per kind (BatchCreatedEvent, …)
 * and `Event`, their union: what an SSE message's `data:` holds (its `event:` is the `type`).
 * engine events on the wire are http/event-stream.ts `wireEvent`: epoch ms become ISO strings.
 */
import Type, { type TProperties } from 'typebox';
import { BATCH_STATUSES, STAGES, WORKFLOW_STATUSES } from '../model/statuses.js';
import { Enum, Id, Ms, Time, named } from './schema-kit.js';
import { ClientId, ErrorInfo, Progress } from './schemas.js';

const EventId = Type.Integer({ minimum: 1, description: 'The event\'s store id, also its SSE `id:`: send it as Last-Event-ID to resume after it.' });
const Stage = Enum(STAGES, 'The stage.');

/** The schema of one event kind, named after its type (batch.created → BatchCreatedEvent). */
function kind<T extends string, P extends TProperties>(type: T, description: string, properties: P) {
  const name = `${type.split('.').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}Event`;
  return named(name, Type.Object({ id: EventId, type: Type.Literal(type), at: Time, ...properties }, { description }));
}
const batch = { batchId: Id('batch') };
const workflow = { batchId: Id('batch'), workflowId: Id('workflow'), clientId: ClientId };
const attempt = { ...workflow, stage: Stage, attempt: Type.Integer({ minimum: 1, description: 'Which attempt of the stage, from 1.' }) };

const KINDS = [
  kind('batch.created', 'The batch was accepted.', { ...batch, total: Type.Integer({ description: 'Its workflows.' }) }),
  kind('batch.started', 'A first workflow of the batch started.', batch),
  kind('stage.started', 'A stage attempt started.', attempt),
  kind('stage.succeeded', 'A stage attempt succeeded.', { ...attempt, durationMs: Ms }),
  kind('stage.failed', 'A stage attempt failed for good: the workflow failed.', { ...attempt, durationMs: Ms, error: ErrorInfo }),
  kind('stage.retrying', 'A stage attempt failed and will be retried.', {
    ...attempt, durationMs: Ms, error: ErrorInfo,
    delayMs: Ms, nextAttemptAt: { ...Time, description: 'When the next attempt is due.' },
  }),
  kind('stage.canceled', 'A running stage attempt ended canceled.', attempt),
  kind('stage.interrupted', 'A stage attempt was cut short (its process stopped or lost its lease); it runs again.', attempt),
  kind('batch.canceled', 'The batch was canceled.', batch),
  kind('batch.retried', 'Failed (or canceled) workflows of the batch were requeued.', { ...batch, workflows: Type.Integer({ description: 'How many.' }) }),
  kind('workflow.finished', 'A workflow ended.', { ...workflow, status: Enum(WORKFLOW_STATUSES, 'How it ended.'), durationMs: Ms }),
  kind('batch.finished', 'Every workflow of the batch ended: the last event of its stream.', { ...batch, status: Enum(BATCH_STATUSES, 'How the batch ended.') }),
];

export const BatchProgressEvent = named('BatchProgressEvent', Type.Object({
  type: Type.Literal('batch.progress'),
  at: Time,
  batchId: Id('batch'),
  status: Enum(BATCH_STATUSES, 'The batch\'s status now.'),
  progress: Progress,
}, { description: 'The batch\'s counters: first on every stream, then a few times a second while they move. It has no id: it is not stored.' }));

export const Event = named('Event', Type.Union([...KINDS, BatchProgressEvent], {
  description: 'One message of a batch\'s event stream (the `data:` of an SSE message whose `event:` is its `type`).',
}));
