/**
 * `npm run mock-crm`: a local CRM answering GET /clients/{id} (scripts/mock-crm/server.ts).
 *
 *   npm run mock-crm -- --port=4010 --latency-ms=100 --jitter=0.2 --error-rate=0.05 --seed=7 --quota=crm:acme=500/s
 *
 * Prints one line when it listens, then one per request; stops on SIGINT or SIGTERM.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseQuota } from './mock-crm/quota.js';
import { startMockCrm, type MockCrmOptions } from './mock-crm/server.js';

export { startMockCrm, type MockCrm, type MockCrmOptions } from './mock-crm/server.js';

/** The options of a command line; throws an Error naming a bad one. */
export function mockCrmArgs(argv: string[]): MockCrmOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '4010' },
      'latency-ms': { type: 'string', default: '0' },
      jitter: { type: 'string', default: '0' },
      'error-rate': { type: 'string', default: '0' },
      seed: { type: 'string', default: '0' },
      quota: { type: 'string', multiple: true, default: [] },
      quiet: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (name: keyof typeof values, min: number, max: number): number => {
    const n = Number(values[name]);
    if (!(Number.isFinite(n) && n >= min && n <= max)) throw new Error(`--${name}=${String(values[name])}: expected a number from ${min} to ${max}`);
    return n;
  };
  return {
    port: number('port', 0, 65535),
    latencyMs: number('latency-ms', 0, 3_600_000),
    jitter: number('jitter', 0, 1),
    errorRate: number('error-rate', 0, 1),
    seed: number('seed', 0, 2 ** 32 - 1),
    quotas: new Map(values.quota.map(parseQuota)),
    log: values.quiet ? undefined : (line) => console.log(line),
  };
}

async function main(): Promise<void> {
  let options: MockCrmOptions;
  try {
    options = mockCrmArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`mock-crm: ${(e as Error).message}`);
    process.exit(2);
  }
  const crm = await startMockCrm(options);
  const quotas = [...(options.quotas ?? new Map<string, number>())].map(([k, n]) => `${k}=${n}/s`).join(',') || 'none';
  console.log(`mock CRM listening on ${crm.origin} (CRM_URL_TEMPLATE=${crm.template}; latency ${options.latencyMs} ms ± ${(options.jitter ?? 0) * 100}%, error rate ${options.errorRate}, seed ${options.seed}, quotas ${quotas})`);
  const stop = () => void crm.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
