/**
 * The deploy lint (scripts/deploy-lint/): the committed docker-compose.yml and deploy/ pass it,
 * and copies of them with one mistake each fail it, naming the mistake.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintDeploy, registeredSeries } from '../scripts/deploy-lint/index.js';
import { readExpr } from '../scripts/deploy-lint/promql.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DASHBOARD = 'deploy/grafana/dashboards/clientflow.json';

let series: Set<string>;
const copies: string[] = [];

beforeAll(async () => {
  series = await registeredSeries();
});
afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the deployment files (and the Dockerfile they build) with `file` edited; its problems. */
function lintEdited(file: string, edit: (source: string) => string, names: ReadonlySet<string> = series): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'clientflow-deploy-'));
  copies.push(dir);
  for (const f of ['docker-compose.yml', 'Dockerfile', 'deploy']) cpSync(join(ROOT, f), join(dir, f), { recursive: true });
  const source = readFileSync(join(dir, file), 'utf8');
  const edited = edit(source);
  expect(edited, 'the edit must change the file').not.toBe(source);
  writeFileSync(join(dir, file), edited);
  return lintDeploy(dir, names);
}

describe('deploy lint', () => {
  it('passes the committed files', () => {
    expect(lintDeploy(ROOT, series)).toEqual([]);
  });

  it('reads the series names from the service itself', () => {
    expect(series).toContain('clientflow_queue_depth');
    expect(series).toContain('clientflow_stage_duration_seconds_bucket');
    expect(series).toContain('clientflow_stage_retries_total');
    expect(series).toContain('nodejs_eventloop_lag_p99_seconds');
    expect(series).not.toContain('clientflow_stage_duration_seconds');
  });

  it('finds a misspelled metric in the dashboard', () => {
    const problems = lintEdited(DASHBOARD, (s) => s.replace('max(clientflow_queue_depth)', 'max(clientflow_queue_dept)'));
    expect(problems).toEqual([
      `${DASHBOARD}: panel 2 "Queue depth" A: clientflow_queue_dept is not a series the service exports`,
    ]);
  });

  it('finds a dashboard metric the service no longer exports (renamed in src/http/metrics.ts)', () => {
    const renamed = new Set([...series].filter((n) => !n.startsWith('clientflow_stage_retries_total')));
    const problems = lintDeploy(ROOT, renamed);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/"Stage retries \/ s by stage" A: clientflow_stage_retries_total is not a series/);
  });

  it('finds a PromQL syntax error and a job Prometheus does not scrape', () => {
    expect(lintEdited(DASHBOARD, (s) => s.replace('max(clientflow_queue_depth)', 'max(clientflow_queue_depth')))
      .toEqual([`${DASHBOARD}: panel 2 "Queue depth" A: syntax error at column 27 in max(clientflow_queue_depth`]);
    expect(lintEdited(DASHBOARD, (s) => s.replace('job=\\"clientflow\\"', 'job=\\"api\\"')))
      .toEqual([`${DASHBOARD}: panel 1 "Replicas up" A: job="api" is not a scrape job of Prometheus`]);
  });

  it('finds a panel naming a datasource uid that is not provisioned', () => {
    const problems = lintEdited(DASHBOARD, (s) => {
      const dashboard = JSON.parse(s) as { panels: Array<{ datasource: { uid: string } }> };
      dashboard.panels[0]!.datasource.uid = 'prom';
      return JSON.stringify(dashboard);
    });
    expect(problems).toEqual([`${DASHBOARD}: panel 1 "Replicas up": datasource uid prom is not provisioned (prometheus)`]);
  });

  it('finds a key the Compose Specification does not have', () => {
    const problems = lintEdited('docker-compose.yml', (s) => s.replace('  postgres:\n    image: postgres:18\n', '  postgres:\n    image: postgres:18\n    restart_policy: always\n'));
    expect(problems).toEqual(['docker-compose.yml: services.postgres: must NOT have additional properties (restart_policy)']);
  });

  it('finds a depends_on naming a missing service', () => {
    const problems = lintEdited('docker-compose.yml', (s) => s.replace('    depends_on:\n      - prometheus\n', '    depends_on:\n      - prometheus-x\n'));
    expect(problems).toEqual(['docker-compose.yml: services.grafana.depends_on: prometheus-x is not a service']);
  });

  it('finds a replica that nginx and Prometheus do not know', () => {
    const problems = lintEdited('docker-compose.yml', (s) => s.replace('  clientflow-3:\n    <<: *clientflow\n', '  clientflow-3:\n    <<: *clientflow\n  clientflow-4:\n    <<: *clientflow\n'));
    expect(problems).toEqual([
      'deploy/nginx.conf: upstream clientflow: replica clientflow-4 is missing',
      'deploy/prometheus.yml: replica clientflow-4 is scraped by no target',
    ]);
  });

  it('finds a DATABASE_URL whose password is not the database\'s', () => {
    const problems = lintEdited('docker-compose.yml', (s) => s.replace('postgres://clientflow:clientflow@', 'postgres://clientflow:secret@'));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe('docker-compose.yml: services.clientflow-1.environment.DATABASE_URL: the password is not postgres\'s POSTGRES_PASSWORD');
  });

  it('finds an OTLP endpoint that misses the trace receiver: its gRPC port, or a host that is not a service', () => {
    const grpc = lintEdited('docker-compose.yml', (s) => s.replace('http://jaeger:4318', 'http://jaeger:4317'));
    expect(grpc).toHaveLength(3);
    expect(grpc[0]).toBe('docker-compose.yml: services.clientflow-1.environment.OTEL_EXPORTER_OTLP_ENDPOINT: port 4317, but jaeger takes OTLP over HTTP on 4318');
    const missing = lintEdited('docker-compose.yml', (s) => s.replace('http://jaeger:4318', 'http://tempo:4318'));
    expect(missing[0]).toBe('docker-compose.yml: services.clientflow-1.environment.OTEL_EXPORTER_OTLP_ENDPOINT: host tempo is not a service');
  });

  it('finds nginx settings that would break SSE streams and long polls', () => {
    expect(lintEdited('deploy/nginx.conf', (s) => s.replace('proxy_buffering off;', '')))
      .toEqual(['deploy/nginx.conf: proxy_pass http://clientflow: proxy_buffering must be off, or SSE events wait in a buffer']);
    expect(lintEdited('deploy/nginx.conf', (s) => s.replace('proxy_read_timeout 1h;', 'proxy_read_timeout 30s;')))
      .toEqual(['deploy/nginx.conf: proxy_pass http://clientflow: proxy_read_timeout 30s must be longer than the SSE heartbeat (15 s) and the longest long poll (60 s)']);
  });

  it('finds a port published on every interface, and a Grafana password written in the file', () => {
    expect(lintEdited('docker-compose.yml', (s) => s.replace('"127.0.0.1:9090:9090"', '"9090:9090"')))
      .toEqual(['docker-compose.yml: services.prometheus.ports: 9090 is published on every interface; bind it to 127.0.0.1 (127.0.0.1:9090:9090)']);
    expect(lintEdited('docker-compose.yml', (s) => s.replace('"127.0.0.1:3001:3000"', '"0.0.0.0:3001:3000"')))
      .toEqual(['docker-compose.yml: services.grafana.ports: 3001 is published on 0.0.0.0; bind it to 127.0.0.1 (127.0.0.1:3001:3000)']);
    expect(lintEdited('docker-compose.yml', (s) => s.replace(/GF_SECURITY_ADMIN_PASSWORD: .*/, 'GF_SECURITY_ADMIN_PASSWORD: admin')))
      .toEqual(['docker-compose.yml: services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD: take it from the environment and require it, e.g. ${GRAFANA_ADMIN_PASSWORD:?set it}']);
  });

  it('checks the alert rules: their series, durations, names and labels, and that Prometheus loads them', () => {
    const RULES = 'deploy/alerts.yml';
    expect(lintEdited(RULES, (s) => s.replace('expr: clientflow_ready == 0', 'expr: clientflow_readiness == 0')))
      .toEqual([`${RULES}: group clientflow, alert ClientflowNotReady: clientflow_readiness is not a series the service exports`]);
    expect(lintEdited(RULES, (s) => s.replace('up{job="clientflow"} == 0', 'up{job="api"} == 0')))
      .toEqual([`${RULES}: group clientflow, alert ClientflowReplicaDown: job="api" is not a scrape job of Prometheus`]);
    expect(lintEdited(RULES, (s) => s.replace('for: 2m', 'for: 2 minutes')))
      .toEqual([`${RULES}: group clientflow, alert ClientflowNotReady: for 2 minutes is not a duration`]);
    expect(lintEdited(RULES, (s) => s.replace('alert: ClientflowHttpErrors', 'alert: ClientflowWorkflowErrorRate')))
      .toEqual([`${RULES}: group clientflow, alert ClientflowWorkflowErrorRate: named twice`]);
    expect(lintEdited(RULES, (s) => s.replace('severity: critical\n        annotations:\n          summary: "{{ $labels.replica }} is not ready', 'severity: page\n        annotations:\n          summary: "{{ $labels.replica }} is not ready')))
      .toEqual([`${RULES}: group clientflow, alert ClientflowNotReady: labels.severity must be one of warning, critical`]);
    expect(lintEdited('deploy/prometheus.yml', (s) => s.replace(/rule_files:\n {2}- alerts.yml\n/, '')))
      .toEqual(['deploy/prometheus.yml: no rule_files: no alert rule is loaded (deploy/alerts.yml)']);
    expect(lintEdited('deploy/prometheus.yml', (s) => s.replace('- alerts.yml', '- rules/alerts.yml')))
      .toEqual(['deploy/prometheus.yml: rule_files: rules/alerts.yml (/etc/prometheus/rules/alerts.yml) is not a file mounted into prometheus']);
  });

  it('finds a Prometheus target on the wrong port', () => {
    const problems = lintEdited('deploy/prometheus.yml', (s) => s.replace('"clientflow-3:3000"', '"clientflow-3:9999"'));
    expect(problems).toEqual(['deploy/prometheus.yml: job clientflow, target clientflow-3:9999: clientflow-3 listens on 3000, not 9999']);
  });
});

describe('readExpr', () => {
  it('finds metric names, not functions, labels or Grafana macros', () => {
    expect(readExpr('histogram_quantile(0.95, sum by (le, route) (rate(a_bucket{route!="/x", replica=~"$replica"}[$__rate_interval])))'))
      .toEqual({ metrics: ['a_bucket'], jobs: [] });
    expect(readExpr('sum(up{job="clientflow"}) / count({__name__="b"})')).toEqual({ metrics: ['up', 'b'], jobs: ['clientflow'] });
  });
});
