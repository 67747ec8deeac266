/**
 * The service as the cases that talk HTTP start it, and how they read its answers. Apart from
 * http-cases.ts so the cases that need no load generator (sse, workers, crm) import no autocannon:
 * it is a bench package, installed only when an HTTP case or a peer runs (bench-packages.ts).
 */
import { join } from 'node:path';
import { SERVER } from './deployed.js';
import { childEnv, freePort, startChild, waitHealthy, type Child } from './lib.js';

export interface Server {
  base: string;
  child: Child;
}

/** The service as deployed (`node dist/server.js`), on 127.0.0.1 and a temp DB. */
export async function startApp(dir: string, env: Record<string, string>, profDir: string | null): Promise<Server> {
  const port = await freePort();
  const child = startChild(SERVER, childEnv({
    PORT: String(port), HOST: '127.0.0.1', DB_PATH: join(dir, 'app.db'), LOG_LEVEL: 'warn',
    // Bounded shutdown: the bench must not wait 10 s per server for a drain.
    SHUTDOWN_GRACE_MS: '1000', ...env,
  }), profDir);
  const base = `http://127.0.0.1:${port}`;
  await waitHealthy(base, child);
  return { base, child };
}

export async function json(res: Response, expect: number): Promise<{ text: string; value: Record<string, unknown> }> {
  const text = await res.text();
  if (res.status !== expect) throw new Error(`expected ${expect}, got ${res.status}: ${text.slice(0, 300)}`);
  return { text, value: JSON.parse(text) as Record<string, unknown> };
}
