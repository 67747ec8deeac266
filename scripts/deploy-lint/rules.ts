/**
 * Prometheus rule files (rule_files in deploy/prometheus.yml): what `promtool check rules` refuses
 * (a group without a name, an alert without an expression, a bad `for` duration, a PromQL syntax
 * error) and what it cannot see: every series is one the service exports, every job one
 * Prometheus scrapes. House rules too: each alert is named once, has a severity and a summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parse } from 'yaml';
import { checkExpr, type Known } from './promql.js';
import { dict, list, text, type Report } from './values.js';

/** Prometheus's duration syntax: units largest first, each at most once (1h30m, 5m, 90s). */
const DURATION = /^(?:\d+y)?(?:\d+w)?(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?(?:\d+ms)?$/;
const SEVERITIES = ['warning', 'critical'];

/** Checks the rule file at `path` (on the host); `root` makes the names it reports relative. */
export function checkRules(root: string, path: string, known: Known, report: Report): void {
  const file = relative(root, path);
  if (!existsSync(path)) {
    report(file, 'missing (named in rule_files)');
    return;
  }
  let rules: unknown;
  try {
    rules = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    report(file, (e as Error).message.split('\n')[0]!);
    return;
  }
  const groups = list(dict(rules).groups).map(dict);
  if (groups.length === 0) report(file, 'no rule groups');
  const alerts = new Set<string>();
  for (const [g, group] of groups.entries()) {
    const name = text(group.name);
    if (name === undefined) report(file, `group ${g + 1}: no name`);
    const interval = text(group.interval);
    if (interval !== undefined && (interval === '' || !DURATION.test(interval))) report(file, `group ${name ?? g + 1}: interval ${interval} is not a duration`);
    for (const [r, rule] of list(group.rules).map(dict).entries()) {
      const alert = text(rule.alert);
      const where = `group ${name ?? g + 1}, ${alert === undefined ? `rule ${r + 1}` : `alert ${alert}`}`;
      if (alert === undefined && text(rule.record) === undefined) report(file, `${where}: neither alert nor record`);
      const expr = text(rule.expr);
      if (expr === undefined || expr.trim() === '') report(file, `${where}: no expr`);
      else for (const problem of checkExpr(expr, known)) report(file, `${where}: ${problem}`);
      const wait = text(rule.for);
      if (wait !== undefined && (wait === '' || !DURATION.test(wait))) report(file, `${where}: for ${wait} is not a duration`);
      if (alert === undefined) continue;
      if (alerts.has(alert)) report(file, `${where}: named twice`);
      alerts.add(alert);
      const severity = text(dict(rule.labels).severity);
      if (severity === undefined || !SEVERITIES.includes(severity)) report(file, `${where}: labels.severity must be one of ${SEVERITIES.join(', ')}`);
      if (text(dict(rule.annotations).summary) === undefined) report(file, `${where}: no annotations.summary`);
    }
  }
}
