/**
 * The yardstick for the HTTP cases: bare Fastify on the same routes, answering with the very
 * bytes the service answered (read from the files the parent wrote), so both sides parse the same
 * request and serialize the same JSON. No logger, no schemas, no store: everything the service
 * does beyond this is what the ratio measures.
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const read = (name: string): Record<string, unknown> => {
  const file = process.env[name];
  if (!file) throw new Error(`${name} is not set`);
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
};

const accepted = read('BASELINE_POST_BODY');
const finished = read('BASELINE_GET_BODY');

const app = Fastify({ logger: false });
// The body is parsed by Fastify's default JSON parser, as in the service; then a 202 + Location.
app.post('/v1/batches', async (_request, reply) =>
  reply.code(202).header('location', `/v1/batches/${String(accepted.id)}`).send(accepted));
app.get('/v1/batches/:id', async () => finished);
app.get('/healthz', async () => ({ status: 'ok' }));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => void app.close().then(() => process.exit(0)));
}

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
