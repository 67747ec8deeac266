/**
 * Every series name the service exports, read from the service itself: the real app over an
 * in-memory SQLite store answers GET /metrics, and its `# TYPE` lines name each metric. A metric
 * renamed in src/http/metrics.ts is then missing here, and a dashboard still using the old name
 * fails the lint.
 */
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createService } from '../../src/service.js';

/** The series a metric of each type exports (histograms and summaries under suffixed names). */
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * Series Prometheus writes itself for every target, whatever it exports (`up` is 1 when the
 * scrape answered).
 */
export const SCRAPE_SERIES = [
  'up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added',
];

/** Series names of a Prometheus text exposition. */
export function seriesOf(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    for (const suffix of SUFFIXES[type!] ?? ['']) names.add(`${name!}${suffix}`);
  }
  return names;
}

export async function registeredSeries(): Promise<Set<string>> {
  const service = await createService(loadConfig({}, { DB_PATH: ':memory:', LOG_LEVEL: 'silent' }), { logger: pino({ level: 'silent' }) });
  try {
    await service.app.ready();
    const res = await service.app.inject({ method: 'GET', url: '/metrics' });
    if (res.statusCode !== 200) throw new Error(`GET /metrics answered ${res.statusCode}`);
    return seriesOf(res.body);
  } finally {
    await service.stop();
  }
}
