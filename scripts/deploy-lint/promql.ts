/**
 * The metric names a PromQL expression reads, found with Prometheus's own grammar
 * (@prometheus-io/lezer-promql, the parser of the Prometheus UI), so function names, label names
 * and `by (…)` lists are never mistaken for metrics, and a syntax error is found too.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { SCRAPE_SERIES } from './series.js';

export interface Known {
  /** Every series name the service exports. */
  series: ReadonlySet<string>;
  /** Prometheus's scrape job names; undefined: unknown, not checked. */
  jobs: readonly string[] | undefined;
}

export interface ExprFacts {
  /** Series names selected, as written (`…_bucket` included). */
  metrics: string[];
  /** Values of `job="…"` matchers: each must be a scrape job of Prometheus. */
  jobs: string[];
  /** The first syntax error, as "at column N", or undefined. */
  error?: string;
}

/**
 * Grafana replaces its macros before Prometheus sees the query; a duration stands in for them
 * here ($__rate_interval, $__interval, $__range and their ${…} forms are all durations).
 */
const MACRO = /\$\{?__(?:rate_interval|interval|range)\}?/g;

const unquote = (literal: string) => literal.slice(1, -1);

export function readExpr(expr: string): ExprFacts {
  const source = expr.replace(MACRO, '1m');
  const facts: ExprFacts = { metrics: [], jobs: [] };
  parser.parse(source).iterate({
    enter(node) {
      if (node.type.isError && facts.error === undefined) {
        facts.error = `syntax error at column ${node.from + 1}`;
      }
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        facts.metrics.push(source.slice(node.from, node.to));
      }
      if (node.name === 'UnquotedLabelMatcher') {
        const name = node.node.getChild('LabelName');
        const op = node.node.getChild('MatchOp');
        const value = node.node.getChild('StringLiteral');
        if (!name || !op || !value || source.slice(op.from, op.to) !== '=') return;
        const label = source.slice(name.from, name.to);
        const literal = unquote(source.slice(value.from, value.to));
        // {__name__="x"} selects the metric x as surely as x{} does.
        if (label === '__name__') facts.metrics.push(literal);
        if (label === 'job') facts.jobs.push(literal);
      }
    },
  });
  return facts;
}

/** What is wrong with an expression (a syntax error, a series or a job that does not exist), one line each. */
export function checkExpr(expr: string, known: Known): string[] {
  const facts = readExpr(expr);
  const problems: string[] = [];
  if (facts.error) problems.push(`${facts.error} in ${expr}`);
  for (const metric of facts.metrics) {
    if (!known.series.has(metric) && !SCRAPE_SERIES.includes(metric)) problems.push(`${metric} is not a series the service exports`);
  }
  for (const job of facts.jobs) if (known.jobs && !known.jobs.includes(job)) problems.push(`job="${job}" is not a scrape job of Prometheus`);
  return problems;
}
