/**
 * The small real work behind the default stages: a deterministic client record synthesised from
 * the id (same id, same record), and statistics and validations over it.
 */
import { createHash } from 'node:crypto';
import type { ClientId } from '../../model/types.js';

export interface Order {
  id: string;
  amount: number;
}

export interface ClientRecord {
  clientId: ClientId;
  name: string;
  email: string;
  country: string;
  orders: Order[];
}

export interface ClientReport {
  clientId: ClientId;
  name: string;
  stats: { orderCount: number; total: number; mean: number | null; max: number | null };
  validation: { valid: boolean; problems: string[] };
}

const FIRST = ['Ana', 'Luis', 'Marta', 'Jorge', 'Lucía', 'Pablo', 'Elena', 'Diego', 'Sofía', 'Carlos'];
const LAST = ['García', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Díaz', 'Ruiz', 'Torres', 'Vega'];
const COUNTRIES = ['ES', 'MX', 'AR', 'CO', 'CL', 'PE', 'US', 'PT', 'FR', 'DE'];

export function synthesizeClient(clientId: ClientId): ClientRecord {
  // 32 bytes of deterministic "randomness" per id; typeof is part of the key so "1" ≠ 1.
  const bytes = createHash('sha256').update(`${typeof clientId}:${String(clientId)}`).digest();
  const pick = <T>(list: readonly T[], i: number): T => list[(bytes[i] ?? 0) % list.length] as T;
  const first = pick(FIRST, 0);
  const last = pick(LAST, 1);
  const handle = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
  // One client in sixteen has a malformed email, so validation has something to find.
  const email = (bytes[2] ?? 0) % 16 === 0 ? `${handle}.example.com` : `${handle}@example.com`;
  const orderCount = (bytes[3] ?? 0) % 8;
  const orders = Array.from({ length: orderCount }, (_, i) => ({
    id: `${String(clientId)}-${i + 1}`,
    amount: (bytes.readUInt16BE(4 + 2 * i) % 100_000) / 100,
  }));
  return { clientId, name: `${first} ${last}`, email, country: pick(COUNTRIES, 20), orders };
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function analyzeClient(record: ClientRecord): ClientReport {
  const amounts = record.orders.map((o) => o.amount);
  const total = Math.round(amounts.reduce((a, b) => a + b, 0) * 100) / 100;
  const problems: string[] = [];
  if (!record.name) problems.push('name is required');
  if (!record.country) problems.push('country is required');
  if (!EMAIL.test(record.email)) problems.push(`email "${record.email}" is not a valid address`);
  return {
    clientId: record.clientId,
    name: record.name,
    stats: {
      orderCount: amounts.length,
      total,
      mean: amounts.length ? Math.round((total / amounts.length) * 100) / 100 : null,
      max: amounts.length ? Math.max(...amounts) : null,
    },
    validation: { valid: problems.length === 0, problems },
  };
}
