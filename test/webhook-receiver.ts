/**
 * A webhook receiver for the tests: real (127.0.0.1, port 0; a service reaches it because
 * WEBHOOK_ALLOW_HOSTS names it), answering with the statuses it is given; tests wait on its
 * requests. And the secret the tests sign with, and a check as receivers make it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A Standard Webhooks secret: whsec_ and the base64 of 32 bytes. */
export const SECRET = `whsec_${Buffer.from('clientflow webhook test key 0123').toString('base64')}`;
export const FAST = { fetchMs: 1, processMs: 1, storeMs: 1 };

export interface Received {
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  requests: Received[];
  /** Resolves with the n-th request (from 1), already received or still to come. */
  nth: (n: number) => Promise<Received>;
  close: () => Promise<void>;
}

/** A webhook receiver answering each request with the next status of `statuses` (the last one repeats). */
export async function startReceiver(statuses: number[] = [200]): Promise<Receiver> {
  const requests: Received[] = [];
  const waiters = new Map<number, (r: Received) => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const status = statuses[Math.min(requests.length, statuses.length) - 1]!;
      // A redirect points at another path of this receiver: a follower would show up there.
      res.writeHead(status, status >= 300 && status < 400 ? { location: '/redirected' } : {}).end();
      waiters.get(requests.length)?.(received);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/clientflow`,
    requests,
    nth: (n) => (requests[n - 1] ? Promise.resolve(requests[n - 1]!) : new Promise((resolve) => waiters.set(n, resolve))),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Verifies a received request as a receiver would, with the standardwebhooks package; throws when it does not verify. */
export function verify(req: Received, secret = SECRET): unknown {
  return new Webhook(secret).verify(req.body, req.headers as Record<string, string>);
}

