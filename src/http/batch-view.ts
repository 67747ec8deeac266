/**
 * A batch as the API shows it (GET /v1/batches/{id}, lists, the 202s of POST, cancel and retry)
 * and as a webhook carries it: the stored batch with its options filled in and its links.
 */
import { stageSetOf, type Batch } from '../model/types.js';

export const withLinks = (batch: Batch) => ({
  ...batch,
  // Batches stored before stage sets existed ran the simulated stages, without a CRM key.
  options: { ...batch.options, stages: stageSetOf(batch.options), crmKey: batch.options.crmKey ?? null, flowKey: batch.options.flowKey ?? null },
  links: { self: `/v1/batches/${batch.id}`, workflows: `/v1/batches/${batch.id}/workflows` },
});
