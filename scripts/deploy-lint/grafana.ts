/**
 * Grafana, found through the grafana service's bind mounts: the provisioned datasources (each
 * with a uid, pointing at a compose service), the dashboard providers' folders, and every
 * dashboard in them: its panels, targets and variables name a provisioned datasource by uid, and
 * every PromQL expression parses and reads only series the service exports (or Prometheus's
 * own `up`/`scrape_*`), from scrape jobs Prometheus has.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { COMPOSE_FILE, environment, hostPath, servicesOfImage, type Compose } from './compose.js';
import { checkExpr, type Known } from './promql.js';
import { dict, isDict, list, text, type Dict, type Report } from './values.js';

const PROVISIONING = '/etc/grafana/provisioning';

const yamlFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f)) : []);

export function checkGrafana(compose: Compose, known: Known, report: Report): void {
  const [service] = servicesOfImage(compose, 'grafana/grafana');
  if (service === undefined) {
    report(COMPOSE_FILE, 'no grafana service (grafana/grafana)');
    return;
  }
  const provisioning = hostPath(compose, service, PROVISIONING);
  if (!provisioning || !existsSync(provisioning)) {
    report(COMPOSE_FILE, `services.${service}: nothing bind-mounted at ${PROVISIONING}`);
    return;
  }
  const rel = (path: string) => relative(compose.root, path);
  const read = (path: string): Dict => {
    try {
      return dict(parse(readFileSync(path, 'utf8')));
    } catch (e) {
      report(rel(path), (e as Error).message.split('\n')[0]!);
      return {};
    }
  };

  const uids = new Set<string>();
  for (const path of yamlFiles(join(provisioning, 'datasources'))) {
    for (const ds of list(read(path).datasources).map(dict)) {
      const name = text(ds.name) ?? '(unnamed)';
      const uid = text(ds.uid);
      if (uid === undefined) report(rel(path), `datasource ${name}: no uid, so dashboards cannot name it`);
      else uids.add(uid);
      const url = text(ds.url);
      const host = url === undefined ? undefined : URL.parse(url)?.hostname;
      if (host === undefined || !compose.services.has(host)) report(rel(path), `datasource ${name}: url ${url ?? '(none)'} is not a service of ${COMPOSE_FILE}`);
    }
  }
  if (uids.size === 0) report(rel(provisioning), 'no datasource with a uid is provisioned');

  const dashboards: string[] = [];
  for (const path of yamlFiles(join(provisioning, 'dashboards'))) {
    for (const provider of list(read(path).providers).map(dict)) {
      const inside = text(dict(provider.options).path);
      const dir = inside === undefined ? undefined : hostPath(compose, service, inside);
      if (!dir || !existsSync(dir) || !statSync(dir).isDirectory()) {
        report(rel(path), `provider ${text(provider.name) ?? '(unnamed)'}: ${inside ?? 'no options.path'} is not a folder mounted into ${service}`);
        continue;
      }
      dashboards.push(...readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f)));
    }
  }
  if (dashboards.length === 0) report(rel(provisioning), 'no dashboard is provisioned');

  const env = environment(compose.services.get(service) ?? {});
  // Written in the file, a password is everyone's who reads the repository (admin/admin above all).
  const password = env.GF_SECURITY_ADMIN_PASSWORD;
  if (password === undefined || !/^\$\{\w+:?\?[^}]*\}$/.test(password)) {
    report(COMPOSE_FILE, `services.${service}.environment.GF_SECURITY_ADMIN_PASSWORD: take it from the environment and require it, e.g. \${GRAFANA_ADMIN_PASSWORD:?set it}`);
  }
  const home = env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
  if (home !== undefined) {
    const path = hostPath(compose, service, home);
    if (!path || !existsSync(path)) report(COMPOSE_FILE, `services.${service}: the home dashboard ${home} is not a mounted file`);
  }

  for (const path of dashboards) checkDashboard(rel(path), readFileSync(path, 'utf8'), uids, known, report);
}

/** Panels, rows' panels included. */
const panelsOf = (v: unknown): Dict[] => list(v).map(dict).flatMap((p) => [p, ...panelsOf(p.panels)]);

export function checkDashboard(file: string, source: string, uids: ReadonlySet<string>, known: Known, report: Report): void {
  let dashboard: Dict;
  try {
    dashboard = dict(JSON.parse(source));
  } catch (e) {
    report(file, `not JSON: ${(e as Error).message}`);
    return;
  }
  if (text(dashboard.uid) === undefined) report(file, 'no uid: every provisioning would make a new dashboard URL');

  const datasource = (where: string, ref: unknown) => {
    // A bare name (the old form) or a missing uid would fall back to whatever is the default.
    if (!isDict(ref) || text(ref.uid) === undefined) report(file, `${where}: the datasource must be named by uid (one of ${[...uids].join(', ')})`);
    else if (!uids.has(text(ref.uid)!)) report(file, `${where}: datasource uid ${text(ref.uid)} is not provisioned (${[...uids].join(', ')})`);
  };
  const promql = (where: string, expr: string) => {
    for (const problem of checkExpr(expr, known)) report(file, `${where}: ${problem}`);
  };

  const ids = new Set<number>();
  for (const panel of panelsOf(dashboard.panels)) {
    const where = `panel ${String(panel.id)} "${text(panel.title) ?? ''}"`;
    if (typeof panel.id !== 'number') report(file, `${where}: no numeric id`);
    else if (ids.has(panel.id)) report(file, `${where}: id ${panel.id} is used twice`);
    else ids.add(panel.id);
    if (panel.type === 'row') continue;
    datasource(where, panel.datasource);
    const targets = list(panel.targets).map(dict);
    if (targets.length === 0) report(file, `${where}: no query`);
    for (const target of targets) {
      const at = `${where} ${text(target.refId) ?? ''}`.trimEnd();
      // A target's own datasource is reported only where it differs from its panel's.
      if (target.datasource !== undefined && JSON.stringify(target.datasource) !== JSON.stringify(panel.datasource)) {
        datasource(at, target.datasource);
      }
      const expr = text(target.expr);
      if (expr === undefined || expr.trim() === '') report(file, `${at}: no expr`);
      else promql(at, expr);
    }
  }

  for (const variable of list(dict(dashboard.templating).list).map(dict)) {
    if (variable.type !== 'query') continue;
    const where = `variable ${text(variable.name) ?? '(unnamed)'}`;
    datasource(where, variable.datasource);
    const query = text(variable.query) ?? text(dict(variable.query).query) ?? '';
    // Grafana's own functions around PromQL: label_values(selector, label) and query_result(expr).
    const [, selector] = /^\s*label_values\((.*),\s*[A-Za-z_]\w*\s*\)\s*$/s.exec(query) ?? /^\s*query_result\((.*)\)\s*$/s.exec(query) ?? [];
    if (selector !== undefined) promql(where, selector);
  }
}
