/**
 * The deployment files' lint (docker-compose.yml and deploy/): what `docker compose config` and
 * the tools themselves would refuse, and the references between the files that none of them
 * checks, found without a Docker engine. Each problem is one line, `file: message`.
 */
import { checkGrafana } from './grafana.js';
import { checkNginx } from './nginx.js';
import { checkPrometheus } from './prometheus.js';
import { loadCompose } from './compose.js';

export { registeredSeries } from './series.js';

/** Lints the files under `root`; `series` are the names the service exports (registeredSeries()). */
export function lintDeploy(root: string, series: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const report = (file: string, message: string) => problems.push(`${file}: ${message}`);
  const compose = loadCompose(root, report);
  if (!compose) return problems;
  checkNginx(compose, report);
  const jobs = checkPrometheus(compose, series, report);
  checkGrafana(compose, { series, jobs }, report);
  return problems;
}
