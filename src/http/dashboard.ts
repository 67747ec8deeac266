/**
 * The dashboard: static files from public/ (no build step, no CDN) served at GET / and /ui/*.
 * It only reads the public API, so it is an HTTP concern alone. Its routes are hidden from the
 * OpenAPI document: they are a page, not part of the v1 contract.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

// src/http/ and dist/http/ are both two levels below the package root, where public/ lives.
const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

// The page loads only its own assets and calls only this service; blob: is the timeline SVG,
// fetched with the API key (an <img src> cannot send one) and shown from an object URL.
const CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'",
  "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

export async function registerDashboard(app: FastifyInstance): Promise<void> {
  // Read once: the page is tiny and static. Swagger UI registers @fastify/static too, so this
  // registration must not decorate reply (the decorator would clash) and keeps its own prefix.
  const index = await readFile(`${PUBLIC_DIR}index.html`);
  await app.register(fastifyStatic, {
    root: PUBLIC_DIR, prefix: '/ui/', decorateReply: false, index: false, schemaHide: true,
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('content-security-policy', CSP)
    .send(index));
}
