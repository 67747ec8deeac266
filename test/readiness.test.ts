/**
 * /readyz on PostgreSQL across a database restart: unready while the database does not answer,
 * ready again at the next probe once it does, though no other work reached the store meanwhile
 * (an api-only replica, taken out of rotation for being unready, gets none). The restart is a
 * relay in front of the test server that the test stops and starts: what the service's
 * connections see of a restart (sockets cut, connections refused, then accepted again).
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createService, type Service } from '../src/service.js';
import { useTestDatabase } from './postgres/database.js';

const db = useTestDatabase();

interface Relay {
  /** The test database's URL, through the relay. */
  url: string;
  /** Cuts every connection and refuses new ones. */
  stop(): Promise<void>;
  /** Accepts connections again, on the same port. */
  start(): Promise<void>;
}

async function relay(target: URL): Promise<Relay> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (port: number) => new Promise<number>((resolve, reject) => {
    const s = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      const drop = () => {
        for (const socket of [client, upstream]) {
          socket.destroy();
          sockets.delete(socket);
        }
      };
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', drop).on('close', drop);
      }
      client.pipe(upstream).pipe(client);
    });
    s.once('error', reject);
    s.listen(port, '127.0.0.1', () => resolve((s.address() as AddressInfo).port));
    server = s;
  });
  const port = await listen(0);
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return {
    url: url.toString(),
    stop: () => new Promise<void>((resolve) => {
      server!.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }),
    start: async () => {
      await listen(port);
    },
  };
}

let service: Service | undefined;
let link: Relay | undefined;
afterEach(async () => {
  await link?.start().catch(() => undefined);
  await service?.stop();
  await link?.stop();
  service = link = undefined;
});

describe('readiness on PostgreSQL', () => {
  it('is unready while the database is down and ready at the first probe once it answers again, with no other work', async () => {
    link = await relay(new URL(db.url()));
    service = await createService(loadConfig({}, {
      DATABASE_URL: link.url, DB_SCHEMA: db.schema('ready'), RUN_MODE: 'api', LOG_LEVEL: 'silent',
    }), { logger: pino({ level: 'silent' }) });
    await service.app.ready();
    await service.start();
    const { app } = service;
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);

    await link.stop();
    // A read meets the restart: the store reports itself unavailable.
    expect((await app.inject({ url: '/v1/batches' })).statusCode).toBe(503);
    const down = await app.inject({ url: '/readyz' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toEqual({ status: 'unavailable', checks: { store: false, engine: true } });

    await link.start();
    expect((await app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready', checks: { store: true, engine: true } });
    expect((await app.inject({ url: '/v1/batches' })).statusCode).toBe(200);
  });
});
