/**
 * The connection cap, MAX_CONNECTIONS, fair to new clients.
 *
 * Node's own cap (server.maxConnections) closes every new connection once the cap is reached:
 * a client that opens that many keep-alive connections and leaves them idle locks every other
 * client out. Here a new connection past the cap closes the connection idle the longest — one
 * with no request in flight: a keep-alive connection between requests, or one that has not sent
 * a whole request's headers yet (HEADERS_TIMEOUT_MS bounds those anyway) — and is served. HTTP
 * lets a server close an idle keep-alive connection at any time (RFC 9112 §9.8); clients open
 * a new one. Only when no connection is idle is the new one closed, unanswered, as Node would.
 * A connection with a request in flight (an event stream, a long-poll, an export, a body still
 * arriving, an answer being written) is never chosen.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export function capConnections(server: Server, max: number): void {
  // Every open connection is in exactly one of these. A Set iterates in insertion order, and a
  // connection is added each time it becomes idle: the first idle one is the longest idle.
  const idle = new Set<Socket>();
  /** Connections with requests in flight, and how many (a client may pipeline several). */
  const busy = new Map<Socket, number>();

  server.on('connection', (socket: Socket) => {
    if (idle.size + busy.size >= max) {
      const longestIdle = idle.values().next();
      if (longestIdle.done) {
        socket.destroy();
        return;
      }
      idle.delete(longestIdle.value);
      longestIdle.value.destroy();
    }
    idle.add(socket);
    socket.once('close', () => {
      idle.delete(socket);
      busy.delete(socket);
    });
  });

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const socket = request.socket;
    const inFlight = busy.get(socket) ?? 0;
    // A connection accepted before this was attached, or already closed: not counted.
    if (inFlight === 0 && !idle.delete(socket)) return;
    busy.set(socket, inFlight + 1);
    // 'close' comes once the answer is written or the connection is gone, whichever is first.
    response.once('close', () => {
      const left = busy.get(socket);
      if (left === undefined) return;
      if (left > 1) {
        busy.set(socket, left - 1);
      } else {
        busy.delete(socket);
        idle.add(socket);
      }
    });
  });
}
