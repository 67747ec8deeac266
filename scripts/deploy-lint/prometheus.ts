/**
 * deploy/prometheus.yml, found through the prometheus service's bind mount: every replica is
 * scraped on its own, on the port it listens on and the path the service answers metrics on,
 * with a `replica` label of its own; every target is a compose service; the rule files it loads
 * are mounted and pass rules.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { posix, relative } from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_FILE, hostPath, servicesOfImage, type Compose } from './compose.js';
import { checkRules } from './rules.js';
import { dict, list, text, type Report } from './values.js';

/** The service's metrics route (src/http/routes/metrics.ts), Prometheus's default path too. */
const METRICS_PATH = '/metrics';
const CONFIG_PATH = '/etc/prometheus/prometheus.yml';

/**
 * Checks the file; returns its scrape job names (for the dashboard's `job="…"` matchers), or
 * undefined when there is no file to read them from (reported once, here).
 */
export function checkPrometheus(compose: Compose, series: ReadonlySet<string>, report: Report): string[] | undefined {
  const [service] = servicesOfImage(compose, 'prom/prometheus');
  if (service === undefined) {
    report(COMPOSE_FILE, 'no prometheus service (prom/prometheus)');
    return undefined;
  }
  const path = hostPath(compose, service, CONFIG_PATH);
  if (!path || !existsSync(path)) {
    report(COMPOSE_FILE, `services.${service}: no file bind-mounted at ${CONFIG_PATH}`);
    return undefined;
  }
  const file = relative(compose.root, path);
  let config: unknown;
  try {
    config = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    report(file, (e as Error).message.split('\n')[0]!);
    return undefined;
  }

  const jobs: string[] = [];
  const scraped = new Map<string, number>();
  const labels = new Map<string, string>();
  for (const job of list(dict(config).scrape_configs).map(dict)) {
    const name = text(job.job_name) ?? '(unnamed)';
    jobs.push(name);
    const metricsPath = text(job.metrics_path) ?? '/metrics';
    for (const group of list(job.static_configs).map(dict)) {
      const replica = text(dict(group.labels).replica);
      for (const target of list(group.targets).map((t) => text(t) ?? '')) {
        const where = `job ${name}, target ${target}`;
        const [host = '', port = ''] = target.split(':');
        if (!compose.services.has(host)) {
          report(file, `${where}: ${host} is not a service of ${COMPOSE_FILE}`);
          continue;
        }
        const config = compose.replicas.get(host);
        if (!config) continue;
        scraped.set(host, (scraped.get(host) ?? 0) + 1);
        if (Number(port) !== config.PORT) report(file, `${where}: ${host} listens on ${config.PORT}, not ${port || 'no port'}`);
        if (metricsPath !== METRICS_PATH) report(file, `${where}: the service answers metrics on ${METRICS_PATH}, not ${metricsPath}`);
        if (replica === undefined) report(file, `${where}: no replica label`);
        else if (labels.has(replica)) report(file, `${where}: replica="${replica}" is also ${labels.get(replica)}'s label`);
        else labels.set(replica, host);
      }
    }
  }
  for (const replica of compose.replicas.keys()) {
    const times = scraped.get(replica) ?? 0;
    if (times !== 1) report(file, `replica ${replica} is scraped ${times === 0 ? 'by no target' : `by ${times} targets`}`);
  }

  // Rule files are found in the container, relative to the configuration file's folder.
  const ruleFiles = list(dict(config).rule_files).map((f) => text(f) ?? '');
  if (ruleFiles.length === 0) report(file, 'no rule_files: no alert rule is loaded (deploy/alerts.yml)');
  for (const name of ruleFiles) {
    const inside = posix.resolve(posix.dirname(CONFIG_PATH), name);
    const rules = hostPath(compose, service, inside);
    if (!rules) report(file, `rule_files: ${name} (${inside}) is not a file mounted into ${service}`);
    else checkRules(compose.root, rules, { series, jobs }, report);
  }
  return jobs;
}
