/**
 * What a batch body must pass beyond its schema before anything is admitted: the same for a POST
 * of a batch and for the batch a schedule submits at each tick (checked when the schedule is
 * written). `at` is where the request holds the body, for the paths a 4xx names.
 */
import type { Config } from '../config.js';
import type { ResolvedQuotas } from '../model/tenants.js';
import type { ClientId, StageSetName } from '../model/types.js';
import { dotsOnly } from '../net/crm-url.js';
import { checkCallbackUrl } from './callback-url.js';
import { HttpError, type FieldError } from './problem.js';
import { checkBatchOptions } from './quotas.js';
import type { CreateBatchBody } from './schemas.js';

/**
 * Checks `body` (a 400 or a 403 naming what is wrong); returns the stage set it runs with,
 * resolved now and stored: every replica runs the batch with the set it was accepted with.
 */
export function checkBatchBody(body: CreateBatchBody, config: Config, quotas: ResolvedQuotas | null, tenant: string, at = '/body'): StageSetName {
  const dupes = duplicates(body.clientIds, at);
  if (dupes.length > 0) {
    throw new HttpError(400, 'duplicate-client-ids', `clientIds must not repeat: ${dupes.map((d) => d.path).join(', ')}`, dupes);
  }
  if (body.callbackUrl !== undefined) checkCallbackUrl(body.callbackUrl, config, `${at}/callbackUrl`);
  const stages = body.stages ?? config.DEFAULT_STAGES;
  checkStages(stages, body, config, at);
  checkBatchOptions(body, quotas, config.ALLOW_SIMULATION === 'on', tenant, at);
  return stages;
}

/**
 * What the schema cannot say about the stage set: `http` needs a CRM configured on this server,
 * and a batch's `simulation` means nothing to it (it would be silently ignored).
 */
function checkStages(stages: StageSetName, body: CreateBatchBody, config: Config, at: string): void {
  if (stages !== 'http') return;
  if (config.CRM_URL_TEMPLATE === undefined) {
    throw new HttpError(400, 'stages-unavailable', 'stages "http" needs a CRM, and this server has no CRM_URL_TEMPLATE; nothing was accepted',
      [{ path: `${at}/stages`, message: 'is "http", but this server has no CRM_URL_TEMPLATE' }]);
  }
  if (body.simulation !== undefined) {
    throw new HttpError(400, 'invalid-options', `${at}/simulation applies only to stages "simulated"; nothing was accepted`,
      [{ path: `${at}/simulation`, message: 'applies only to stages "simulated", not "http"' }]);
  }
  // `.` and `..` in a URL path are steps, however they are encoded: the CRM would serve another path.
  const dots: FieldError[] = [];
  body.clientIds.forEach((id, i) => {
    if (dotsOnly(id) && dots.length < 20) dots.push({ path: `${at}/clientIds/${i}`, message: 'is dots only, which the CRM\'s URL cannot carry' });
  });
  if (dots.length > 0) {
    throw new HttpError(400, 'invalid-client-ids', `stages "http" cannot fetch a client id of dots only: ${dots.map((d) => d.path).join(', ')}; nothing was accepted`, dots);
  }
}

/** Names every repeated id (compared as sent: "1" and 1 differ), at most 20 of them. */
function duplicates(ids: ClientId[], at: string): FieldError[] {
  const first = new Map<ClientId, number>();
  const found: FieldError[] = [];
  ids.forEach((id, i) => {
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, i);
    else if (found.length < 20) {
      found.push({ path: `${at}/clientIds/${i}`, message: `duplicates ${at}/clientIds/${earlier} (${JSON.stringify(id)})` });
    }
  });
  return found;
}
