/**
 * The dashboard and Swagger UI in a real browser (Debian's chromium through playwright-core)
 * against the real service listening on 127.0.0.1. Skips, saying how to install chromium, when
 * the browser is not there.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`browser tests skipped: ${CHROMIUM} not found. Install it with: apt-get install -y chromium`);
}

const WAIT = { timeout: 15_000 };

describe.skipIf(!hasChromium)('dashboard and Swagger UI in chromium', { timeout: 60_000 }, () => {
  let service: TestService;
  let base: string;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;
  let problems: string[] = [];
  /** 400s from POST /v1/batches the current test provokes on purpose. */
  let expectedBadPosts = 0;

  beforeAll(async () => {
    // Tiny but non-zero stages, so the page sees the batch move before it finishes.
    service = await startService({ config: { FETCH_MS: 20, PROCESS_MS: 30, STORE_MS: 10 } });
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });

    profile = mkdtempSync(join(tmpdir(), 'clientflow-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
        '--disable-component-update', '--disable-sync'],
    });
    page = browser.pages()[0] ?? await browser.newPage();
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      if (message.text().includes('status of 400') && url === `${base}/v1/batches` && expectedBadPosts > 0) {
        expectedBadPosts -= 1;
        return;
      }
      problems.push(`console: ${message.text()} (${url})`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // Every page runs under a Content-Security-Policy (helmet's, or the dashboard's own): a
    // violation is also a console error, but is recorded here in full to say which directive.
    await browser.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
      });
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await service?.close();
  });

  it('posts a batch from the form and follows it to 100 % succeeded', async () => {
    problems = [];
    await page.goto(`${base}/`);
    await expect(page.title()).resolves.toBe('clientflow dashboard');
    expect(await page.getAttribute('header a[href="/docs"]', 'href')).toBe('/docs');
    expect(await page.getAttribute('header a[href="/metrics"]', 'href')).toBe('/metrics');

    // A 4xx shows the problem's detail and stays on the form. The 400 itself is expected here.
    expectedBadPosts = 1;
    const badRequest = page.waitForResponse((r) => r.url().endsWith('/v1/batches') && r.request().method() === 'POST');
    await page.fill('#client-ids', '7, 7');
    await page.click('#submit-batch');
    expect((await badRequest).status()).toBe(400);
    await page.locator('#form-error').waitFor({ state: 'visible', ...WAIT });
    expect(await page.textContent('#form-error')).toContain('clientIds must not repeat');

    // Numbers stay numbers, other tokens are strings.
    const created = page.waitForResponse((r) => r.url().endsWith('/v1/batches') && r.request().method() === 'POST');
    await page.fill('#client-ids', '1, 2 3\n4\nacme-5');
    await page.fill('#batch-label', 'browser <b>test</b>');
    await page.click('#submit-batch');
    const response = await created;
    expect(response.status()).toBe(202);
    expect(response.request().postDataJSON()).toEqual({ clientIds: [1, 2, 3, 4, 'acme-5'], label: 'browser <b>test</b>' });
    const { id } = await response.json() as { id: string };

    await page.waitForURL(`${base}/#/batches/${id}`, WAIT);
    await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'succeeded', undefined, WAIT);
    await page.waitForFunction(() => document.querySelector('#batch-progress-label')?.textContent === '100 %', undefined, WAIT);
    expect(await page.getAttribute('#batch-progress', 'value')).toBe('100');
    // The label is text, never markup.
    expect(await page.textContent('#batch-title')).toBe('browser <b>test</b>');
    expect(await page.locator('#batch-title b').count()).toBe(0);
    expect(await page.textContent('#batch-counts [data-count="succeeded"]')).toBe('5');
    expect(await page.textContent('#batch-counts [data-count="total"]')).toBe('5');
    for (const stage of ['fetch', 'process', 'store']) {
      const cells = await page.locator(`#stage-body tr[data-stage="${stage}"] > *`).allTextContents();
      expect(cells.slice(0, 4), stage).toEqual([stage, '5', '0', '0']);
      expect(cells[4], stage).toMatch(/\d+ ms/);
    }
    expect(await page.textContent('[data-timing="speedup"]')).toMatch(/^\d+(\.\d+)?×$/);
    // The log shows the engine's own events, from the live stream.
    await page.locator('#event-log li[data-type="batch.finished"]').waitFor(WAIT);
    // The timeline picture loaded (an SVG the browser could draw).
    await page.waitForFunction(() => ((document.querySelector('#timeline-img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0, undefined, WAIT);

    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/dashboard.png', fullPage: true });

    // Back to the list: the batch is there with its badge and full progress bar.
    await page.click('#batch-view a[href="#/"]');
    const row = page.locator('#recent-body tr', { hasText: 'browser <b>test</b>' });
    await row.waitFor(WAIT);
    expect(await row.locator('.badge').textContent()).toBe('succeeded');
    expect(await row.locator('progress').getAttribute('value')).toBe('100');

    expect(problems).toEqual([]);
  });

  it('follows a batch that was retried after it finished to its new end', async () => {
    problems = [];
    // Slow, canceled at once (finished: canceled), then retried: it runs again for about 2 s, and
    // its stream first replays the old batch.finished.
    const post = await service.app.inject({
      method: 'POST', url: '/v1/batches', payload: { clientIds: [1, 2], simulation: { fetchMs: 2000, processMs: 1, storeMs: 1 } },
    });
    const id = (post.json() as { id: string }).id;
    const canceled = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    await service.app.inject({ method: 'POST', url: `/v1/batches/${id}/cancel`, headers: { 'content-type': 'application/json' } });
    await canceled;
    const done = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    expect((await service.app.inject({ method: 'POST', url: `/v1/batches/${id}/retry?includeCanceled=true`, headers: { 'content-type': 'application/json' } })).statusCode).toBe(202);
    await page.goto(`${base}/#/batches/${id}`);
    await done;
    await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'succeeded', undefined, WAIT);
    expect(problems).toEqual([]);
  });

  it('Swagger UI tries POST /v1/batches and shows a 202', async () => {
    problems = [];
    const docs = await page.goto(`${base}/docs`);
    expect(docs?.headers()['content-security-policy']).toContain("script-src 'self'");
    // Every operation rendered under that policy.
    await page.locator('.opblock').first().waitFor(WAIT);
    const operations = Object.values(service.app.swagger().paths ?? {}).flatMap((methods) => Object.keys(methods ?? {}));
    expect(await page.locator('.opblock').count()).toBe(operations.length);
    const operation = page.locator('.opblock.opblock-post').filter({
      has: page.locator('.opblock-summary-path', { hasText: /^\/v1\/batches$/ }),
    });
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    // The header row shares the class; the live answer is in the body.
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor(WAIT);
    expect((await status.textContent())?.trim()).toBe('202');
    expect(problems).toEqual([]);
  });

  it('Swagger UI cancels a batch: it sends the JSON type an action needs', async () => {
    problems = [];
    const post = await service.app.inject({
      method: 'POST', url: '/v1/batches', payload: { clientIds: [1], simulation: { fetchMs: 60_000, processMs: 1, storeMs: 1 } },
    });
    const id = (post.json() as { id: string }).id;
    const finished = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    await page.goto(`${base}/docs`);
    const operation = page.locator('.opblock.opblock-post').filter({
      has: page.locator('.opblock-summary-path', { hasText: /^\/v1\/batches\/\{id\}\/cancel$/ }),
    });
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.locator('input[placeholder="id"]').fill(id);
    const sent = page.waitForRequest((r) => r.url().endsWith(`/v1/batches/${id}/cancel`));
    await operation.getByRole('button', { name: 'Execute' }).click();
    expect((await sent).headers()['content-type']).toBe('application/json');
    const status = operation.locator('.live-responses-table tbody .response-col_status').first();
    await status.waitFor(WAIT);
    expect((await status.textContent())?.trim()).toBe('202');
    await finished;
    expect(problems).toEqual([]);
  });
});
