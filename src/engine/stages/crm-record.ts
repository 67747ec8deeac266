/**
 * The client record as the CRM must send it, checked before anything downstream trusts it. A
 * record that breaks the schema is a permanent failure naming the first field at fault
 * (`/orders/0/amount must be number`): asking again returns the same record.
 *
 * `email` is any string on purpose: a malformed address is the process stage's finding (its
 * report lists it), not a reason to drop the client. Fields beyond these are dropped, so the
 * stored stage output holds only what the later stages read.
 */
import Type from 'typebox';
import { Compile } from 'typebox/compile';
import type { ClientId } from '../../model/types.js';
import type { ClientRecord } from './client-record.js';
import { StageError } from './stage.js';

const Text = (maxLength: number) => Type.String({ maxLength });

export const CrmClientRecord = Type.Object({
  clientId: Type.Union([Type.String({ maxLength: 1000 }), Type.Number()]),
  name: Text(1000),
  email: Text(1000),
  country: Text(100),
  orders: Type.Array(Type.Object({ id: Text(1000), amount: Type.Number() }), { maxItems: 100_000 }),
});

const check = Compile(CrmClientRecord);

/**
 * The record for `clientId` out of the CRM's parsed answer, or a permanent StageError naming the
 * field. The record must be the one asked for: its `clientId` equals the requested id as the URL
 * carried it (a string), and the stage output carries the workflow's id exactly as submitted.
 */
export function crmRecord(value: unknown, clientId: ClientId): ClientRecord {
  if (!check.Check(value)) {
    const first = check.Errors(value)[0];
    const where = first?.instancePath || '/';
    throw new StageError('CRM_INVALID_RECORD', `the CRM's client record is invalid: ${where} ${first?.message ?? 'does not match the schema'}`);
  }
  if (String(value.clientId) !== String(clientId)) {
    // Quotes only the id asked for: the record sent is some other client's, not the tenant's to read.
    throw new StageError('CRM_INVALID_RECORD',
      `the CRM's client record is invalid: /clientId is not the requested ${JSON.stringify(String(clientId))}`);
  }
  return {
    clientId,
    name: value.name,
    email: value.email,
    country: value.country,
    orders: value.orders.map((o) => ({ id: o.id, amount: o.amount })),
  };
}
