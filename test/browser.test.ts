/**
 * The dashboard and Swagger UI in a real browser (Debian's chromium through playwright-core)
 * against the real service listening on 127.0.0.1, with AUTH=off and with API keys required.
 * Skips, saying how to install chromium, when the browser is not there; under CI=true a missing
 * browser fails the run instead, so that CI never looks green without this test.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StageError, type StageHandler } from '../src/engine/stages/stage.js';
import { mintKey } from '../src/model/api-keys.js';
import { startService, type TestService } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const onCi = ['true', '1'].includes(process.env.CI ?? '');
if (!hasChromium && !onCi) {
  console.warn(`browser tests skipped: ${CHROMIUM} not found. Install it with: apt-get install -y chromium`);
}

if (!hasChromium && onCi) {
  it('has chromium to run in (CI=true)', () => {
    expect.fail(`browser tests could not run: ${CHROMIUM} not found (install it with: apt-get install -y chromium)`);
  });
}

const WAIT = { timeout: 15_000 };

interface Chromium {
  context: BrowserContext;
  page: Page;
  /** Console errors (CSP violations included) and page errors that `expected` did not excuse. */
  problems: string[];
  close: () => Promise<void>;
}

/**
 * Chromium on a fresh profile. Every console error and page error of any of its tabs is a
 * problem unless `expected` (the message and the URL it names) excuses it.
 */
async function launch(expected: (text: string, url: string) => boolean): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'clientflow-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run',
      '--disable-component-update', '--disable-sync'],
  });
  const problems: string[] = [];
  context.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    if (!expected(message.text(), url)) problems.push(`console: ${message.text()} (${url})`);
  });
  context.on('weberror', (error) => problems.push(`page error: ${error.error().message}`));
  // Every page runs under a Content-Security-Policy (helmet's, or the dashboard's own): a
  // violation is also a console error, but is recorded here in full to say which directive.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
    });
  });
  const page = context.pages()[0] ?? await context.newPage();
  return {
    context, page, problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

describe.skipIf(!hasChromium)('dashboard and Swagger UI in chromium', { timeout: 60_000 }, () => {
  let service: TestService;
  let base: string;
  let browser: Chromium;
  let page: Page;
  let problems: string[] = [];
  /** 400s from POST /v1/batches the current test provokes on purpose. */
  let expectedBadPosts = 0;

  beforeAll(async () => {
    // Tiny but non-zero stages, so the page sees the batch move before it finishes.
    service = await startService({ config: { FETCH_MS: 20, PROCESS_MS: 30, STORE_MS: 10 } });
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launch((text, url) => {
      if (text.includes('status of 400') && url === `${base}/v1/batches` && expectedBadPosts > 0) {
        expectedBadPosts -= 1;
        return true;
      }
      return false;
    });
    ({ page, problems } = browser);
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('posts a batch from the form and follows it to 100 % succeeded', async () => {
    problems.length = 0;
    await page.goto(`${base}/`);
    await expect(page.title()).resolves.toBe('clientflow dashboard');
    expect(await page.getAttribute('header a[href="/docs"]', 'href')).toBe('/docs');
    expect(await page.getAttribute('header a[href="#/metrics"]', 'href')).toBe('#/metrics');

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

    // The workflow table of a finished batch ends with every row final.
    await page.waitForFunction(() => [...document.querySelectorAll('#workflow-body tr')]
      .filter((row) => row.textContent?.includes('succeeded')).length === 5, undefined, WAIT);

    // `DASHBOARD_SCREENSHOT=docs/images/dashboard.png` writes the README's picture instead.
    const screenshot = process.env.DASHBOARD_SCREENSHOT ?? 'test-artifacts/dashboard.png';
    mkdirSync(dirname(screenshot), { recursive: true });
    // Transitions run to their end first: the picture shows where the page settles.
    await page.screenshot({ path: screenshot, fullPage: true, animations: 'disabled' });

    // Back to the list: the batch is there with its badge and full progress bar.
    await page.click('#batch-view a[href="#/"]');
    const row = page.locator('#recent-body tr', { hasText: 'browser <b>test</b>' });
    await row.waitFor(WAIT);
    expect(await row.locator('.badge').textContent()).toBe('succeeded');
    expect(await row.locator('progress').getAttribute('value')).toBe('100');

    expect(problems).toEqual([]);
  });

  it('follows a batch that was retried after it finished to its new end', async () => {
    problems.length = 0;
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

  it('lists a schedule with its next run and the batch its tick made, its name shown as text', async () => {
    problems.length = 0;
    const created = await service.app.inject({
      method: 'POST', url: '/v1/schedules',
      payload: { name: 'nightly <b>sync</b>', everyMs: 1000, batch: { clientIds: [1], label: 'from a schedule {tick}' } },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: string }>();
    const made = await service.waitFor((e) => e.type === 'batch.created');
    await page.goto(`${base}/`);
    const row = page.locator('#schedules-body tr', { hasText: 'nightly <b>sync</b>' });
    await row.waitFor(WAIT);
    expect(await row.locator('code').textContent()).toBe('every 1000 ms');
    expect(await row.locator('time').count()).toBe(1);
    await row.locator(`a[href="#/batches/${made.batchId}"]`).waitFor(WAIT);
    expect(await page.isHidden('#schedules-empty')).toBe(true);
    expect((await service.app.inject({ method: 'DELETE', url: `/v1/schedules/${id}` })).statusCode).toBe(204);
    expect(problems).toEqual([]);
  });

  it('Swagger UI tries POST /v1/batches and shows a 202', async () => {
    problems.length = 0;
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
    problems.length = 0;
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

  it('cancels one workflow from its row, then the whole running batch', async () => {
    problems.length = 0;
    const post = await service.app.inject({
      method: 'POST', url: '/v1/batches', payload: { clientIds: [1, 2, 3], simulation: { fetchMs: 60_000, processMs: 1, storeMs: 1 } },
    });
    const { id } = post.json<{ id: string }>();
    await page.goto(`${base}/#/batches/${id}`);
    await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'running', undefined, WAIT);
    // Unlabelled: named by its size and creation time, not by its id.
    expect(await page.textContent('#batch-title')).toMatch(/^3 clients, \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

    const row = page.locator('#workflow-body tr', { has: page.locator('th', { hasText: /^1$/ }) });
    const cancelOne = page.waitForRequest((r) => /\/v1\/workflows\/[^/]+\/cancel$/.test(r.url()));
    await row.getByRole('button', { name: 'Cancel client 1' }).click();
    expect((await cancelOne).headers()['content-type']).toBe('application/json');
    await page.locator('#workflow-body tr[data-status="canceled"]', { hasText: '1' }).waitFor(WAIT);
    expect(await page.textContent('#batch-status')).toBe('running');

    const finished = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    await page.click('#cancel-batch');
    await finished;
    await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'canceled', undefined, WAIT);
    await page.waitForFunction(() => document.querySelectorAll('#workflow-body tr[data-status="canceled"]').length === 3, undefined, WAIT);
    expect(await page.isHidden('#cancel-batch')).toBe(true);
    // What is left to do: retry what was canceled.
    expect(await page.isVisible('#retry-batch-all')).toBe(true);
    expect(await page.textContent('#action-status')).toMatch(/accepted/);
    expect(problems).toEqual([]);
  });

  it('shows a failed batch\'s errors grouped by code and each failed workflow\'s error as text; retries it to success', async () => {
    problems.length = 0;
    // Each client's process stage fails once, for good (not retried), and succeeds when retried.
    const failedOnce = new Set<string>();
    const process: StageHandler = {
      name: 'process',
      run: async (_input, ctx) => {
        const client = String(ctx.clientId);
        if (!failedOnce.has(client)) {
          failedOnce.add(client);
          throw new StageError(client === '3' ? 'CRM_TIMEOUT' : 'CRM_REJECTED', `the CRM refused client ${client}`);
        }
        return {};
      },
    };
    const quick = (name: 'fetch' | 'store'): StageHandler => ({ name, run: async () => ({}) });
    const failing = await startService({ engine: { handlers: { fetch: quick('fetch'), process, store: quick('store') } } });
    try {
      const failingBase = await failing.app.listen({ host: '127.0.0.1', port: 0 });
      const post = await failing.app.inject({ method: 'POST', url: '/v1/batches', payload: { clientIds: [1, 2, 3], label: 'nightly sync' } });
      const { id } = post.json<{ id: string }>();
      await failing.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
      await page.goto(`${failingBase}/#/batches/${id}`);
      await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'failed', undefined, WAIT);

      // Why, at a glance: grouped by code, biggest first.
      await page.locator('#failures').waitFor({ state: 'visible', ...WAIT });
      expect(await page.textContent('#failures-summary')).toBe('3 workflows failed: 2 × CRM_REJECTED, 1 × CRM_TIMEOUT.');
      expect(await page.locator('#failures-body tr').allInnerTexts()).toEqual([
        expect.stringMatching(/^CRM_REJECTED\s+process\s+2\s+the CRM refused client 1$/),
        expect.stringMatching(/^CRM_TIMEOUT\s+process\s+1\s+the CRM refused client 3$/),
      ]);
      // Each failed workflow's stage and error are on its row, visible without hovering.
      await page.selectOption('#workflow-filter', 'failed');
      const error = page.locator('#workflow-body tr', { has: page.locator('th', { hasText: /^3$/ }) }).locator('.error-cell');
      await error.waitFor({ state: 'visible', ...WAIT });
      expect(await error.innerText()).toBe('CRM_TIMEOUT the CRM refused client 3');
      // The table re-renders as the batch's state arrives: a row replaced between two calls has
      // no box for an instant, so ask until the one on screen answers.
      await expect.poll(async () => (await error.boundingBox())?.width ?? 0, { timeout: WAIT.timeout }).toBeGreaterThan(0);
      mkdirSync('test-artifacts', { recursive: true });
      await page.screenshot({ path: 'test-artifacts/dashboard-failed.png', fullPage: true });

      const retried = page.waitForResponse((r) => r.url().endsWith(`/v1/batches/${id}/retry`));
      const done = failing.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
      await page.click('#retry-batch');
      expect((await retried).status()).toBe(202);
      await done;
      await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'succeeded', undefined, WAIT);
      // Followed afresh from its new start, still saying what was done.
      expect(await page.textContent('#action-status')).toBe('Retry of the failed workflows: accepted.');
      await page.locator('#failures').waitFor({ state: 'hidden', ...WAIT });
      expect(await page.isHidden('#retry-batch')).toBe(true);
      expect(await page.textContent('#batch-counts [data-count="succeeded"]')).toBe('3');
      expect(problems).toEqual([]);
    } finally {
      // Leave the page first: a dashboard still polling a service that has gone logs a refused
      // connection, which the next test would count as its own problem.
      await page.goto('about:blank');
      await failing.close();
    }
  });

  it('shows the running work of a large batch in its timeline, not its first finished rows', async () => {
    problems.length = 0;
    // 60 clients, two at a time: while it runs, the first rows are finished and the running ones are further down.
    const post = await service.app.inject({
      method: 'POST', url: '/v1/batches', payload: { clientIds: Array.from({ length: 60 }, (_, i) => i + 1), maxConcurrency: 2, simulation: { fetchMs: 300, processMs: 1, storeMs: 1 } },
    });
    const { id } = post.json<{ id: string }>();
    const timeline = page.waitForRequest((r) => r.url().includes(`/v1/batches/${id}/timeline.svg`));
    await page.goto(`${base}/#/batches/${id}`);
    expect((await timeline).url()).toMatch(/\?status=running$/);
    await page.waitForFunction(() => ((document.querySelector('#timeline-img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0, undefined, WAIT);
    await page.screenshot({ path: 'test-artifacts/dashboard-running.png', fullPage: true });
    // The reader may ask for the first rows instead.
    const first = page.waitForRequest((r) => r.url().endsWith(`/v1/batches/${id}/timeline.svg`));
    await page.selectOption('#timeline-filter', '');
    await first;
    const finished = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    await page.click('#cancel-batch');
    await finished;
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!hasChromium)('with API keys required: the dashboard and Swagger UI in chromium', { timeout: 60_000 }, () => {
  let service: TestService;
  let base: string;
  let browser: Chromium;
  let page: Page;
  // The tests run in order on one tab: the key the first one enters is the one the next two use.
  let acmeKey: string;
  let acmeKeyId: string;
  let admin: Record<string, string>;
  /** Event streams the current test cuts on purpose (the browser logs each as a failed load). */
  let cutStreams = 0;

  /** Stores a key the way `clientflow keys create` does; returns it and its id. */
  async function keyFor(tenant: string, isAdmin = false): Promise<{ key: string; id: string }> {
    const { id, key, hash } = mintKey();
    await service.store.createKey({ id, hash, tenant, admin: isAdmin, label: null, createdAt: Date.now(), revokedAt: null });
    return { key, id };
  }

  async function postBatch(key: string, label: string): Promise<string> {
    const res = await service.app.inject({
      method: 'POST', url: '/v1/batches', headers: { authorization: `Bearer ${key}` }, payload: { clientIds: [1], label },
    });
    expect(res.statusCode).toBe(202);
    return res.json<{ id: string }>().id;
  }

  const storedKey = (p: Page) => p.evaluate(() => sessionStorage.getItem('clientflow.apiKey'));

  beforeAll(async () => {
    service = await startService({ config: { AUTH: 'required', ALLOW_SIMULATION: 'on', FETCH_MS: 20, PROCESS_MS: 30, STORE_MS: 10 } });
    base = await service.app.listen({ host: '127.0.0.1', port: 0 });
    ({ key: acmeKey, id: acmeKeyId } = await keyFor('acme'));
    admin = { authorization: `Bearer ${(await keyFor('ops', true)).key}` };
    browser = await launch((text, url) => {
      // A 401 is how the page learns it needs a key: the browser logs each one as a failed load.
      if (text.includes('status of 401') && url.startsWith(`${base}/v1/`)) return true;
      if (text.includes('ERR_INCOMPLETE_CHUNKED_ENCODING') && url.endsWith('/events') && cutStreams > 0) {
        cutStreams -= 1;
        return true;
      }
      return false;
    });
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('asks for a key, refuses a wrong one, shows only its tenant\'s batches, follows one live; the key stays in this tab only', async () => {
    browser.problems.length = 0;
    await postBatch(acmeKey, 'acme first');
    const globexId = await postBatch((await keyFor('globex')).key, 'globex secret');
    // Every answer the page gets is checked for the other tenant's batch, not just what it shows.
    const bodies: Array<Promise<string>> = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${base}/v1/`) && r.request().method() === 'GET' && !r.url().endsWith('/events')) bodies.push(r.text().catch(() => ''));
    });

    await page.goto(`${base}/`);
    await page.locator('#key-card').waitFor({ state: 'visible', ...WAIT });
    expect(await page.isHidden('#home-view')).toBe(true);
    expect(await page.isHidden('#identity')).toBe(true);
    expect(await page.getAttribute('#api-key', 'type')).toBe('password');

    // Text no header can carry is caught before it is sent.
    await page.fill('#api-key', 'my key ü');
    await page.click('#use-key');
    await page.locator('#key-error').waitFor({ state: 'visible', ...WAIT });
    expect(await page.textContent('#key-error')).toMatch(/^That is not an API key/);

    // A well-formed key the service does not know: refused, with a message, and not kept.
    await page.fill('#api-key', mintKey().key);
    await page.click('#use-key');
    await page.waitForFunction(() => document.querySelector('#key-error')?.textContent?.startsWith('The key was refused'), undefined, WAIT);
    expect(await page.textContent('#key-error')).toMatch(/^The key was refused: the API key is unknown, revoked or malformed/);
    expect(await storedKey(page)).toBeNull();
    expect(await page.isVisible('#key-card')).toBe(true);

    await page.fill('#api-key', acmeKey);
    await page.click('#use-key');
    await page.locator('#recent-body tr', { hasText: 'acme first' }).waitFor(WAIT);
    expect(await page.isHidden('#key-card')).toBe(true);
    expect(await page.textContent('#who-tenant')).toBe('acme');
    expect(await page.isHidden('#who-admin')).toBe(true);
    expect(await page.textContent('#recent-body')).not.toContain('globex');

    // A batch from the form, followed live: the POST, the event stream and the timeline all carry the key.
    const created = page.waitForResponse((r) => r.url().endsWith('/v1/batches') && r.request().method() === 'POST');
    const streamed = page.waitForResponse((r) => r.url().endsWith('/events'));
    await page.fill('#client-ids', '1, 2, 3');
    await page.fill('#batch-label', 'acme live');
    await page.click('#submit-batch');
    const response = await created;
    expect(response.status()).toBe(202);
    expect(await response.request().headerValue('authorization')).toBe(`Bearer ${acmeKey}`);
    const { id } = await response.json() as { id: string };
    expect((await service.store.getBatch(id, Date.now()))?.tenant).toBe('acme');
    await page.waitForURL(`${base}/#/batches/${id}`, WAIT);
    const stream = await streamed;
    expect(stream.status()).toBe(200);
    expect(await stream.request().headerValue('authorization')).toBe(`Bearer ${acmeKey}`);
    await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'succeeded', undefined, WAIT);
    // Engine events in the log come from the stream (polling logs only `poll` lines).
    await page.locator('#event-log li[data-type="batch.finished"]').waitFor(WAIT);
    expect(await page.locator('#event-log li[data-type="stage.succeeded"]').count()).toBeGreaterThan(0);
    expect(await page.textContent('#live-mode')).toBe('Finished');
    await page.waitForFunction(() => ((document.querySelector('#timeline-img') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0, undefined, WAIT);
    expect(await page.getAttribute('#timeline-img', 'src')).toMatch(/^blob:/);
    expect(await page.isHidden('#timeline-missing')).toBe(true);

    // A reload keeps the key (this tab's sessionStorage), and it is nowhere else.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'succeeded', undefined, WAIT);
    await page.locator('#identity').waitFor({ state: 'visible', ...WAIT });
    expect(await page.textContent('#who-tenant')).toBe('acme');
    expect(await page.isHidden('#key-card')).toBe(true);
    expect(await storedKey(page)).toBe(acmeKey);
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }))).not.toContain(acmeKey.slice(16));
    expect(page.url()).not.toContain(acmeKey.slice(16));
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // Another tab of the same browser profile does not have it.
    const other = await browser.context.newPage();
    await other.goto(`${base}/`);
    await other.locator('#key-card').waitFor({ state: 'visible', ...WAIT });
    expect(await storedKey(other)).toBeNull();
    expect(await other.isHidden('#identity')).toBe(true);
    expect(await other.isHidden('#key-error')).toBe(true);
    await other.close();

    // Back to the list: the acme batches, never the other tenant's.
    await page.goto(`${base}/#/`);
    await page.locator('#recent-body tr', { hasText: 'acme live' }).waitFor(WAIT);
    expect(await page.textContent('#recent-body')).toContain('acme first');
    expect(await page.textContent('#recent-body')).not.toContain('globex');
    const seen = await Promise.all(bodies);
    expect(seen.some((body) => body.includes('acme first'))).toBe(true);
    expect(seen.filter((body) => body.includes(globexId) || body.includes('globex secret'))).toEqual([]);
    expect(browser.problems).toEqual([]);
  });

  it('resumes a dropped event stream from its last event id, with the key', async () => {
    browser.problems.length = 0;
    const res = await service.app.inject({
      method: 'POST', url: '/v1/batches', headers: { authorization: `Bearer ${acmeKey}` },
      payload: { clientIds: [1, 2], label: 'acme cut', simulation: { fetchMs: 1500, processMs: 1, storeMs: 1 } },
    });
    const { id } = res.json<{ id: string }>();
    const done = service.waitFor((e) => e.type === 'batch.finished' && e.batchId === id);
    await page.goto(`${base}/#/batches/${id}`);
    await page.locator('#event-log li[data-type="stage.started"]').first().waitFor(WAIT);
    expect(await page.textContent('#live-mode')).toBe('Live');
    const resumed = page.waitForRequest((r) => r.url().endsWith(`/v1/batches/${id}/events`) && r.headers()['last-event-id'] !== undefined);
    // Every connection is cut, the stream's included, while the batch runs.
    cutStreams = 1;
    service.app.server.closeAllConnections();
    const again = await resumed;
    expect(await again.headerValue('authorization')).toBe(`Bearer ${acmeKey}`);
    expect(Number(again.headers()['last-event-id'])).toBeGreaterThan(0);
    await done;
    await page.locator('#event-log li[data-type="batch.finished"]').waitFor(WAIT);
    await page.waitForFunction(() => document.querySelector('#batch-status')?.textContent === 'succeeded', undefined, WAIT);
    // Resumed after the last event seen: nothing twice (a replay from the start would repeat them).
    expect(await page.locator('#event-log li[data-type="stage.started"]').count()).toBe(6);
    expect(await page.locator('#event-log li[data-type="stage.succeeded"]').count()).toBe(6);
    expect(await page.locator('#event-log li[data-type="batch.started"]').count()).toBe(1);
    expect(await page.isHidden('#key-card')).toBe(true);
    expect(browser.problems).toEqual([]);
  });

  it('a key revoked while the page is open is refused and asked for again; "Forget key" drops it', async () => {
    browser.problems.length = 0;
    await page.goto(`${base}/`);
    await page.locator('#recent-body tr', { hasText: 'acme live' }).waitFor(WAIT);
    expect(await storedKey(page)).toBe(acmeKey);

    // Revoked through the API (which also drops it from the key cache): the list's next refresh is a 401.
    expect((await service.app.inject({ method: 'DELETE', url: `/v1/keys/${acmeKeyId}`, headers: admin })).statusCode).toBe(200);
    await page.locator('#key-error').waitFor({ state: 'visible', ...WAIT });
    expect(await page.textContent('#key-error')).toMatch(/^The key was refused: the API key is unknown, revoked or malformed/);
    expect(await page.isHidden('#home-view')).toBe(true);
    expect(await page.isHidden('#identity')).toBe(true);
    expect(await storedKey(page)).toBeNull();

    const second = (await keyFor('acme')).key;
    await page.fill('#api-key', second);
    await page.click('#use-key');
    await page.locator('#recent-body tr', { hasText: 'acme live' }).waitFor(WAIT);
    expect(await page.textContent('#who-tenant')).toBe('acme');
    expect(await storedKey(page)).toBe(second);

    await page.click('#forget-key');
    await page.locator('#key-card').waitFor({ state: 'visible', ...WAIT });
    expect(await storedKey(page)).toBeNull();
    expect(await page.isHidden('#key-error')).toBe(true);
    expect(await page.isHidden('#identity')).toBe(true);
    expect(browser.problems).toEqual([]);
  });

  it('Swagger UI: GET /v1/me is 401 until a key is entered under "Authorize", then 200 with its tenant', async () => {
    browser.problems.length = 0;
    const { key } = await keyFor('acme');
    const docs = await browser.context.newPage();
    await docs.goto(`${base}/docs`);
    const me = docs.locator('.opblock.opblock-get').filter({
      has: docs.locator('.opblock-summary-path', { hasText: /^\/v1\/me$/ }),
    });
    await me.locator('.opblock-summary').first().click();
    await me.getByRole('button', { name: 'Try it out' }).click();
    const execute = async () => {
      const sent = docs.waitForRequest((r) => r.url() === `${base}/v1/me`);
      await me.getByRole('button', { name: 'Execute' }).click();
      const request = await sent;
      const status = me.locator('.live-responses-table tbody .response-col_status').first();
      await docs.waitForFunction((el) => /^\d{3}$/.test(el?.textContent?.trim() ?? ''), await status.elementHandle(WAIT), WAIT);
      return { authorization: await request.headerValue('authorization'), status: (await status.textContent())?.trim() };
    };

    expect(await execute()).toEqual({ authorization: null, status: '401' });

    await docs.locator('.auth-wrapper .btn.authorize').click();
    const dialog = docs.locator('.modal-ux');
    await dialog.waitFor(WAIT);
    expect(await dialog.locator('.auth-container h4').first().textContent()).toContain('apiKey');
    await dialog.locator('input[aria-label="auth-bearer-value"]').fill(key);
    await dialog.getByRole('button', { name: 'Apply credentials' }).click();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached', ...WAIT });

    await me.getByRole('button', { name: 'Clear' }).click();
    expect(await execute()).toEqual({ authorization: `Bearer ${key}`, status: '200' });
    const body = await me.locator('.live-responses-table tbody .response-col_description pre').first().textContent();
    expect(JSON.parse(body ?? 'null')).toMatchObject({ tenant: 'acme', admin: false });
    await docs.close();
    expect(browser.problems).toEqual([]);
  });

  it('the header\'s Metrics link shows /metrics, fetched with the key (an admin key, as METRICS_AUTH asks)', async () => {
    browser.problems.length = 0;
    await page.goto(`${base}/`);
    if (await page.isVisible('#identity')) await page.click('#forget-key');
    await page.locator('#key-card').waitFor({ state: 'visible', ...WAIT });
    await page.fill('#api-key', admin.authorization!.slice('Bearer '.length));
    await page.click('#use-key');
    await page.locator('#identity').waitFor({ state: 'visible', ...WAIT });
    const scraped = page.waitForResponse((r) => r.url() === `${base}/metrics`);
    await page.click('header a[href="#/metrics"]');
    const response = await scraped;
    expect(response.status()).toBe(200);
    expect(await response.request().headerValue('authorization')).toBe(admin.authorization);
    await page.waitForFunction(() => document.querySelector('#metrics-text')?.textContent?.includes('clientflow_ready 1'), undefined, WAIT);
    expect(await page.isHidden('#metrics-error')).toBe(true);
    expect(browser.problems).toEqual([]);
  });
});
