/** What every group of samples uses: where a sample goes, and how an answer is shown. */
import { formatJson } from './format.js';

/** The samples made so far, by marker name: each a fenced block and a line saying what is left out. */
export const samples = new Map<string, string>();

export function put(name: string, text: string, note?: string): void {
  samples.set(name, text.trimEnd() + (note ? `\n\n_${note}_` : ''));
}

export const fence = (lang: string, body: string) => `\`\`\`${lang}\n${body.trimEnd()}\n\`\`\``;

export const REAL = 'Real output of `npm run samples`';
export const HEADERS_NOTE = `${REAL}; headers other than content-type, location and those of the action left out `
  + '(every answer also has the security, rate-limit and request-id headers); JSON broken into lines.';
export const JSON_NOTE = `${REAL}; JSON broken into lines.`;
export const only = (keys: string[]) => `only ${keys.map((k) => `\`${k}\``).join(', ')} shown`;

const SHOWN_HEADERS = ['location', 'content-type', 'x-retried-workflows', 'idempotent-replayed', 'retry-after'];

/** The named fields of an object answer, in that order. */
export function pick(value: unknown, keys: string[]): Record<string, unknown> {
  const all = value as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, all[k]]));
}

/** An answer as `curl -i` shows it: status line, the headers that matter here, the body (or some of its fields). */
export async function asCurl(res: Response, fields?: string[]): Promise<{ text: string; body: unknown }> {
  const lines = [`HTTP/1.1 ${res.status} ${res.statusText}`];
  for (const name of SHOWN_HEADERS) {
    const value = res.headers.get(name);
    if (value !== null) lines.push(`${name}: ${value}`);
  }
  const raw = await res.text();
  const body: unknown = raw && res.headers.get('content-type')?.includes('json') ? JSON.parse(raw) : raw;
  const shown = typeof body === 'string' ? body : formatJson(fields ? pick(body, fields) : body);
  return { text: `${lines.join('\n')}\n\n${shown}`, body };
}

/** The service under a base URL, with the calls the samples make. */
export class Api {
  constructor(readonly base: string) {}

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.base + path, { headers });
  }

  async json<T = unknown>(path: string): Promise<T> {
    return (await this.get(path)).json() as Promise<T>;
  }

  send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(this.base + path, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.send('POST', path, body, headers);
  }
}

/** A stream's first messages and its last ones, the middle replaced by a marked `…`. */
export function trimStream(text: string, head: number, tail: number): string {
  const events = text.trim().split(/\n\n+/);
  if (events.length <= head + tail + 1) return text;
  const left = events.slice(head, -tail);
  const types = new Set(left.map((e) => /^event: (.*)$/m.exec(e)?.[1]).filter(Boolean));
  const note = `… (${left.length} messages left out: ${[...types].join(', ')})`;
  return [...events.slice(0, head), note, ...events.slice(-tail)].join('\n\n');
}
