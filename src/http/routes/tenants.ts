/**
 * Tenants and API keys, for admin keys (with AUTH=off, for requests without a key), and `/v1/me`
 * for anyone: who the key acts as. The CLI (`clientflow keys …`, `clientflow tenants …`) does the
 * same against the store directly, for the first admin key.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { mintKey } from '../../model/api-keys.js';
import type { ApiKeyRecord, ResolvedQuotas, Tenant } from '../../model/tenants.js';
import type { Tenancy } from '../../store/store.js';
import { canSee, requireAdmin, type KeyCache } from '../auth.js';
import { HttpError, notFound } from '../problem.js';
import type { QuotaBook } from '../quotas.js';
import type { Watchers } from '../watchers.js';
import {
  CreatedKey, KeyId, KeyList, KeyListQuery, KeyView, Me, NewKeyBody, QuotasBody, TenantList, TenantParams, TenantView, problems,
} from '../schemas.js';
import Type from 'typebox';

export interface TenantRouteDeps {
  store: Tenancy;
  keys: KeyCache;
  quotas: QuotaBook;
  defaults: ResolvedQuotas;
  watchers: Pick<Watchers, 'endKey'>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function keyView(record: ApiKeyRecord) {
  return {
    id: record.id, tenant: record.tenant, admin: record.admin, label: record.label,
    createdAt: iso(record.createdAt)!, revokedAt: iso(record.revokedAt),
  };
}

export const tenantRoutes: FastifyPluginAsyncTypebox<TenantRouteDeps> = async (app, { store, keys, quotas, defaults, watchers }) => {
  const tenantView = (id: string, tenant: Tenant | null) => ({
    id, quotas: tenant?.quotas ?? {}, effective: { ...defaults, ...tenant?.quotas }, createdAt: tenant?.createdAt ?? null,
  });

  app.get('/v1/me', {
    schema: { operationId: 'getMe', summary: 'Who this API key acts as', tags: ['tenants'], response: { 200: Me } },
  }, async (request) => request.principal);

  app.post('/v1/keys', {
    schema: {
      operationId: 'createKey',
      summary: 'Create an API key for a tenant (admin)',
      description: 'The answer holds the key itself, the only time it is shown: only its hash is stored. '
        + 'The tenant is created if it is new.',
      tags: ['tenants'],
      body: NewKeyBody,
      response: { 201: CreatedKey, ...problems(400, 403, 413, 415) },
    },
  }, async (request, reply) => {
    requireAdmin(request);
    const { id, key, hash } = mintKey();
    const record: ApiKeyRecord = {
      id, hash, tenant: request.body.tenant, admin: request.body.admin ?? false, label: request.body.label ?? null,
      createdAt: Date.now(), revokedAt: null,
    };
    await store.createKey(record);
    request.log.info({ keyId: id, tenant: record.tenant, admin: record.admin }, 'api key created');
    return reply.code(201).send({ ...keyView(record), key });
  });

  app.get('/v1/keys', {
    schema: {
      operationId: 'listKeys', summary: 'List API keys, revoked ones included (admin)', tags: ['tenants'],
      querystring: KeyListQuery, response: { 200: KeyList, ...problems(400, 403) },
    },
  }, async (request) => {
    requireAdmin(request);
    return { items: (await store.listKeys(request.query.tenant)).map(keyView) };
  });

  app.delete('/v1/keys/:id', {
    schema: {
      operationId: 'revokeKey',
      summary: 'Revoke an API key (admin)',
      description: 'The key stops working at once on this replica, and within 10 s on the others; so do the event '
        + 'streams, long-polls and exports it opened.',
      tags: ['tenants'],
      params: Type.Object({ id: KeyId }),
      response: { 200: KeyView, ...problems(400, 403, 404, 413, 415) },
    },
  }, async (request) => {
    requireAdmin(request);
    const { id } = request.params;
    await store.revokeKey(id, Date.now());
    keys.forget(id);
    const record = await store.findKey(id);
    if (!record) throw notFound('key', id);
    // What the key opened before it was revoked ends too: a stream would go on delivering events.
    const ended = watchers.endKey(id);
    request.log.info({ keyId: id, tenant: record.tenant, streamsEnded: ended }, 'api key revoked');
    return keyView(record);
  });

  app.get('/v1/tenants', {
    schema: { operationId: 'listTenants', summary: 'List tenants with their quotas (admin)', tags: ['tenants'], response: { 200: TenantList, ...problems(403) } },
  }, async (request) => {
    requireAdmin(request);
    return { items: (await store.listTenants()).map((t) => tenantView(t.id, t)) };
  });

  app.get('/v1/tenants/:id', {
    schema: {
      operationId: 'getTenant', summary: 'A tenant and its quotas (its own key, or admin)', tags: ['tenants'],
      params: TenantParams, response: { 200: TenantView, ...problems(400, 404) },
    },
  }, async (request) => {
    const { id } = request.params;
    if (!canSee(request.principal, id)) throw notFound('tenant', id);
    return tenantView(id, await store.getTenant(id));
  });

  app.put('/v1/tenants/:id', {
    schema: {
      operationId: 'putTenantQuotas',
      summary: "Set a tenant's quotas (admin)",
      description: 'Replaces the tenant\'s own quotas: fields left out take the server defaults. Applies within 10 s on every replica.',
      tags: ['tenants'],
      params: TenantParams, body: QuotasBody, response: { 200: TenantView, ...problems(400, 403, 413, 415) },
    },
  }, async (request) => {
    requireAdmin(request);
    const { id } = request.params;
    const { priorityMin = defaults.priorityMin, priorityMax = defaults.priorityMax } = request.body;
    if (priorityMin > priorityMax) {
      throw new HttpError(400, 'invalid-quotas', `priorityMin (${priorityMin}) must not be above priorityMax (${priorityMax})`,
        [{ path: '/body/priorityMin', message: 'is above priorityMax' }]);
    }
    const tenant = await store.putTenant(id, request.body, Date.now());
    quotas.forget(id);
    request.log.info({ tenant: id, quotas: request.body }, 'tenant quotas set');
    return tenantView(id, tenant);
  });
};
