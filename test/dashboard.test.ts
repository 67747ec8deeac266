/** The dashboard's static files, served without a browser (test/browser.test.ts drives the page). */
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentOf } from './contract-helpers.js';
import { startService, type TestService } from './helpers.js';

let service: TestService;
beforeAll(async () => {
  service = await startService({ start: false });
});
afterAll(async () => {
  await service.close();
});

describe('dashboard files', () => {
  it('GET / is the page, with a CSP that allows only its own origin', async () => {
    const res = await service.app.inject({ url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.body).toContain('<script type="module" src="/ui/app.js"></script>');
  });

  it('serves app.js, style.css under /ui/ with their types', async () => {
    const js = await service.app.inject({ url: '/ui/app.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript|^application\/javascript/);
    const css = await service.app.inject({ url: '/ui/style.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('serves every module of public/ as JavaScript, and each id a module asks for is on the page', async () => {
    const root = new URL('../public/', import.meta.url);
    const modules = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(modules).toContain('views/batch.js');
    const page = readFileSync(new URL('index.html', root), 'utf8');
    const ids = new Set([...page.matchAll(/\sid="([^"]+)"/g)].map(([, id]) => id));
    for (const file of modules) {
      const res = await service.app.inject({ url: `/ui/${file}` });
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type'], file).toMatch(/^text\/javascript|^application\/javascript/);
      expect(res.body.startsWith('// @ts-check'), `${file} is type-checked`).toBe(true);
      const asked = [...res.body.matchAll(/\$\('([\w-]+)'\)/g)].map(([, id]) => id);
      expect(asked.filter((id) => !ids.has(id)), file).toEqual([]);
    }
  });

  it('serves nothing outside public/', async () => {
    for (const url of ['/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/nope.js']) {
      const res = await service.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('refuses the folder /ui/ itself with a problem that names it', async () => {
    const res = await service.app.inject({ url: '/ui/' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.json()).toMatchObject({
      type: 'https://clientflow.dev/problems/forbidden', title: 'Forbidden', status: 403, detail: 'GET /ui/: forbidden',
    });
  });

  it('keeps the page out of the OpenAPI document', () => {
    const paths = Object.keys(documentOf(service.app).paths);
    expect(paths.filter((p) => p === '/' || p.startsWith('/ui'))).toEqual([]);
  });
});
