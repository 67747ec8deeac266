/**
 * A raw TCP connection to a listening app, for what only a real socket shows (timeouts, the
 * connection cap): what it received, waited for by content or by the close, never by time.
 */
import { connect, type Socket } from 'node:net';

export interface Raw {
  socket: Socket;
  /** Everything received, when the connection closes. */
  closed: Promise<string>;
  /** Resolves once what was received contains `text` (`times` times: one per answer on a kept-alive connection). */
  received: (text: string, times?: number) => Promise<string>;
}

function occurrences(data: string, text: string): number {
  return data.split(text).length - 1;
}

export function raw(port: number, request?: string): Raw {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  const waiting: Array<{ text: string; times: number; resolve: (data: string) => void }> = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
    for (const w of waiting.splice(0)) {
      if (occurrences(data, w.text) >= w.times) w.resolve(data);
      else waiting.push(w);
    }
  });
  socket.on('error', () => { /* a dropped connection is what some tests expect */ });
  if (request !== undefined) socket.write(request);
  return {
    socket,
    closed: new Promise((resolve) => socket.on('close', () => resolve(data))),
    received: (text, times = 1) => new Promise((resolve) => {
      if (occurrences(data, text) >= times) resolve(data);
      else waiting.push({ text, times, resolve });
    }),
  };
}
