/**
 * Engine events as log lines: the service's version of the tutorial's "Iniciando…" /
 * "Datos obtenidos…" output. Each line carries batchId, workflowId, clientId and stage; a
 * finishing line ends with its outcome and elapsed ms. With `traceOf` (tracing on), a workflow's
 * lines carry the traceId and spanId of its run in this engine too.
 */
import type { Logger } from 'pino';
import type { TraceFields } from '../telemetry/workflow-spans.js';
import type { EngineEvent, EngineEvents } from './events.js';

export function logEvents(events: EngineEvents, log: Logger, traceOf: ((workflowId: string) => TraceFields | undefined) | null = null): () => void {
  if (!traceOf) return events.on((e) => logEvent(e, log, undefined));
  return events.on((e) => logEvent(e, log, 'workflowId' in e ? traceOf(e.workflowId) : undefined));
}

function logEvent(e: EngineEvent, log: Logger, t: TraceFields | undefined): void {
  switch (e.type) {
    case 'batch.created':
      // "batch accepted", with the request's id and tenant, is the HTTP route's line.
      return log.debug({ batchId: e.batchId, total: e.total }, 'batch created');
    case 'batch.started':
      return log.info({ batchId: e.batchId }, 'batch started');
    case 'stage.started':
      return log.info(
        { batchId: e.batchId, workflowId: e.workflowId, clientId: e.clientId, stage: e.stage, attempt: e.attempt, ...t },
        `${e.stage} started`,
      );
    case 'stage.succeeded':
      return log.info(
        { batchId: e.batchId, workflowId: e.workflowId, clientId: e.clientId, stage: e.stage, ...t, outcome: 'succeeded', ms: e.durationMs },
        `${e.stage} succeeded in ${e.durationMs} ms`,
      );
    case 'stage.failed':
      return log.warn(
        { batchId: e.batchId, workflowId: e.workflowId, clientId: e.clientId, stage: e.stage, ...t, outcome: 'failed', ms: e.durationMs, error: e.error },
        `${e.stage} failed in ${e.durationMs} ms: ${e.error.message}`,
      );
    case 'stage.retrying':
      return log.warn(
        {
          batchId: e.batchId, workflowId: e.workflowId, clientId: e.clientId, stage: e.stage, attempt: e.attempt, ...t,
          outcome: 'retrying', ms: e.durationMs, error: e.error, delayMs: e.delayMs,
        },
        `${e.stage} attempt ${e.attempt} failed in ${e.durationMs} ms: ${e.error.message}; retrying in ${e.delayMs} ms`,
      );
    case 'stage.canceled':
      return log.info(
        { batchId: e.batchId, workflowId: e.workflowId, clientId: e.clientId, stage: e.stage, ...t, outcome: 'canceled' },
        `${e.stage} canceled`,
      );
    case 'batch.canceled':
      return log.info({ batchId: e.batchId }, 'batch cancel requested');
    case 'batch.retried':
      return log.info({ batchId: e.batchId, workflows: e.workflows }, `batch retried: ${e.workflows} workflows requeued`);
    case 'stage.interrupted':
      return log.warn(
        { batchId: e.batchId, workflowId: e.workflowId, clientId: e.clientId, stage: e.stage, ...t, outcome: 'interrupted' },
        `${e.stage} interrupted; it will run again after restart`,
      );
    case 'workflow.finished':
      return log.info(
        { batchId: e.batchId, workflowId: e.workflowId, clientId: e.clientId, ...t, outcome: e.status, ms: e.durationMs },
        `workflow ${e.status} in ${e.durationMs} ms`,
      );
    case 'batch.finished':
      return log.info({ batchId: e.batchId, outcome: e.status }, `batch ${e.status}`);
  }
}
