import { afterEach, describe, expect, it } from 'vitest';
import { runBatch, startService, type TestService } from './helpers.js';

let service: TestService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

describe('tutorial batch', () => {
  it('runs five clients through fetch → process → store and reports timings', async () => {
    service = await startService();
    const id = await runBatch(service, { clientIds: [1, 2, 3, 4, 5], label: 'tutorial' });
    const res = await service.app.inject({ url: `/v1/batches/${id}` });
    expect(res.statusCode).toBe(200);
    const batch = res.json();
    expect(batch.status).toBe('succeeded');
    expect(batch.progress).toMatchObject({ total: 5, succeeded: 5, percent: 100 });
    expect(batch.timings.sequentialMs).toBeGreaterThan(0);
  });
});
