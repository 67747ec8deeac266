/** What a chaos run reads through the HTTP API of one server process (`url` is its base). */
import { createParser } from 'eventsource-parser';
import type { BatchCounters, WireEvent, WorkflowRow } from '../chaos-check.js';

export interface BatchView extends BatchCounters {
  id: string;
  status: string;
}

export async function api<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { ...init, signal: init?.signal ?? AbortSignal.timeout(90_000) });
  return { status: res.status, body: (await res.json()) as T };
}

/** POSTs the batch; its id once accepted (202). */
export async function postBatch(url: string, body: unknown): Promise<string> {
  const created = await api<{ id: string }>(`${url}/v1/batches`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (created.status !== 202) throw new Error(`POST /v1/batches answered ${created.status}`);
  return created.body.id;
}

export async function getBatch(url: string, id: string, wait = 0): Promise<BatchView> {
  const { status, body } = await api<BatchView>(`${url}/v1/batches/${id}?wait=${wait}`);
  if (status !== 200) throw new Error(`GET /v1/batches/${id} answered ${status}`);
  return body;
}

export const percentFinished = (batch: BatchView) =>
  Math.round(100 * (batch.progress.succeeded + batch.progress.failed) / batch.progress.total);

export async function listWorkflows(url: string, id: string): Promise<WorkflowRow[]> {
  const rows: WorkflowRow[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: { items: WorkflowRow[]; nextCursor: string | null } = (await api<{ items: WorkflowRow[]; nextCursor: string | null }>(
      `${url}/v1/batches/${id}/workflows?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )).body;
    rows.push(...page.items);
    cursor = page.nextCursor;
  }
  return rows;
}

/**
 * The batch's whole event log, replayed over SSE. The stream ends by itself after
 * `batch.finished`; for a batch that did not finish it is cut after two quiet seconds.
 */
export async function readEvents(url: string, id: string): Promise<WireEvent[]> {
  const events: WireEvent[] = [];
  const controller = new AbortController();
  let quiet = setTimeout(() => controller.abort(), 10_000);
  const parser = createParser({
    onEvent(message) {
      if (message.id === undefined) return; // batch.progress snapshots carry no id
      events.push(JSON.parse(message.data) as WireEvent);
      clearTimeout(quiet);
      quiet = setTimeout(() => controller.abort(), 2_000);
    },
  });
  try {
    const res = await fetch(`${url}/v1/batches/${id}/events`, { signal: controller.signal });
    if (!res.body) throw new Error(`events: HTTP ${res.status} without a body`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      parser.feed(decoder.decode(chunk.value, { stream: true }));
    }
  } catch (e) {
    if (!controller.signal.aborted) throw e;
  } finally {
    clearTimeout(quiet);
  }
  return events;
}
