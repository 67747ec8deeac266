/**
 * The load balancer: deploy/nginx.conf, found through the nginx service's bind mount. Its
 * upstream must list every replica on the port it listens on, the proxied location must keep
 * SSE streams and long polls alive (no buffering, HTTP/1.1, a read timeout past the heartbeat
 * and the longest long poll), accept any body the service accepts, and listen on the port
 * compose publishes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { bodyLimit } from '../../src/config.js';
import { BatchGetQuery } from '../../src/http/schemas.js';
import { COMPOSE_FILE, hostPath, portsOf, servicesOfImage, type Compose } from './compose.js';
import type { Report } from './values.js';

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** nginx's syntax: words and quoted strings, `;` ending a directive, `{ … }` a block, `#` comments. */
export function parseNginx(source: string): Directive[] {
  const tokens = source.match(/#[^\n]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"'#]+/g) ?? [];
  const root: Directive[] = [];
  const stack: Directive[][] = [root];
  let words: string[] = [];
  for (const token of tokens) {
    if (token.startsWith('#')) continue;
    const here = stack[stack.length - 1]!;
    if (token === ';' || token === '{') {
      const [name, ...args] = words;
      if (name === undefined) throw new Error(`"${token}" without a directive`);
      const directive: Directive = { name, args };
      here.push(directive);
      if (token === '{') stack.push((directive.block = []));
      words = [];
    } else if (token === '}') {
      if (words.length > 0) throw new Error(`"${words.join(' ')}" is missing its ";"`);
      if (stack.length === 1) throw new Error('a "}" closes nothing');
      stack.pop();
    } else {
      words.push(/^["']/.test(token) ? token.slice(1, -1) : token);
    }
  }
  if (words.length > 0) throw new Error(`"${words.join(' ')}" is missing its ";"`);
  if (stack.length > 1) throw new Error('a "{" is never closed');
  return root;
}

/** nginx sizes: bytes, or k / m / g. */
const bytes = (size: string) => {
  const [, n, unit = ''] = /^(\d+)([kmg]?)$/i.exec(size) ?? [];
  return n === undefined ? NaN : Number(n) * 1024 ** '_kmg'.indexOf(unit.toLowerCase() || '_');
};

/** nginx times: a sequence like 1h30m or 90s, or plain seconds. */
const seconds = (time: string) => {
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, M: 2592000, y: 31536000 };
  let total = 0;
  for (const [, n, unit] of time.matchAll(/(\d+)(ms|[smhdwMy]?)/g)) total += Number(n) * (units[unit || 's'] ?? NaN);
  return /^(\d+(ms|[smhdwMy])?)+$/.test(time) ? total : NaN;
};

export function checkNginx(compose: Compose, report: Report): void {
  const [lb, ...more] = servicesOfImage(compose, 'nginx');
  if (lb === undefined) {
    report(COMPOSE_FILE, 'no nginx service in front of the replicas');
    return;
  }
  if (more.length > 0) report(COMPOSE_FILE, `more than one nginx service: ${[lb, ...more].join(', ')}`);
  const path = hostPath(compose, lb, '/etc/nginx/nginx.conf');
  if (!path || !existsSync(path)) {
    report(COMPOSE_FILE, `services.${lb}: no file bind-mounted at /etc/nginx/nginx.conf`);
    return;
  }
  const file = relative(compose.root, path);
  let conf: Directive[];
  try {
    conf = parseNginx(readFileSync(path, 'utf8'));
  } catch (e) {
    report(file, (e as Error).message);
    return;
  }
  const http = conf.find((d) => d.name === 'http')?.block;
  if (!http) {
    report(file, 'no http block');
    return;
  }

  const replicas = compose.replicas;
  const upstreams = new Map(http.filter((d) => d.name === 'upstream').map((d) => [d.args[0] ?? '', d.block ?? []]));
  for (const [name, block] of upstreams) {
    const listed = new Set<string>();
    for (const server of block.filter((d) => d.name === 'server')) {
      const [host = '', port = '80'] = (server.args[0] ?? '').split(':');
      const config = replicas.get(host);
      if (!config) report(file, `upstream ${name}: ${host} is not a clientflow replica of ${COMPOSE_FILE}`);
      else if (Number(port) !== config.PORT) report(file, `upstream ${name}: ${host} listens on ${config.PORT}, not ${port}`);
      listed.add(host);
    }
    for (const replica of replicas.keys()) if (!listed.has(replica)) report(file, `upstream ${name}: replica ${replica} is missing`);
  }

  // The SSE and long-poll limits of the replicas: the longest heartbeat gap, the largest body.
  const configs = [...replicas.values()];
  const heartbeat = Math.max(0, ...configs.map((c) => c.SSE_HEARTBEAT_MS / 1000));
  const longPoll = (BatchGetQuery.properties.wait as unknown as { maximum: number }).maximum;
  const body = Math.max(0, ...configs.map((c) => bodyLimit(c.MAX_BATCH_SIZE)));

  const servers = http.filter((d) => d.name === 'server');
  const listens = servers.flatMap((s) => (s.block ?? []).filter((d) => d.name === 'listen').map((d) => (d.args[0] ?? '').split(':').pop()));
  const targets = portsOf(compose.services.get(lb) ?? {}).map((p) => p.target);
  if (!listens.some((port) => targets.includes(port ?? ''))) {
    report(file, `listens on ${listens.join(', ') || 'nothing'}, but ${COMPOSE_FILE} publishes ${lb}'s ${targets.join(', ') || 'no port'}`);
  }

  let proxied = 0;
  const walk = (block: Directive[], chain: Directive[][]) => {
    for (const d of block) {
      if (d.block) walk(d.block, [d.block, ...chain]);
      if (d.name !== 'proxy_pass') continue;
      proxied += 1;
      const target = (d.args[0] ?? '').replace(/^https?:\/\//, '').split('/')[0] ?? '';
      if (!upstreams.has(target) && !replicas.has(target.split(':')[0] ?? '')) {
        report(file, `proxy_pass ${d.args[0]}: neither an upstream nor a replica`);
      }
      // The value in force: the innermost block that sets it, else nginx's default.
      const value = (name: string, fallback: string) => chain.flatMap((b) => b.filter((x) => x.name === name)).at(0)?.args.join(' ') ?? fallback;
      const where = `proxy_pass ${d.args[0]}`;
      if (value('proxy_buffering', 'on') !== 'off') report(file, `${where}: proxy_buffering must be off, or SSE events wait in a buffer`);
      if (value('proxy_http_version', '1.0') !== '1.1') report(file, `${where}: proxy_http_version must be 1.1 (streams and upstream keepalive)`);
      const read = seconds(value('proxy_read_timeout', '60s'));
      if (!(read > Math.max(heartbeat, longPoll))) {
        report(file, `${where}: proxy_read_timeout ${value('proxy_read_timeout', '60s')} must be longer than the SSE heartbeat (${heartbeat} s) and the longest long poll (${longPoll} s)`);
      }
      const size = value('client_max_body_size', '1m');
      if (bytes(size) !== 0 && !(bytes(size) >= body)) {
        report(file, `${where}: client_max_body_size ${size} is below the service's own limit of ${body} bytes (MAX_BATCH_SIZE ids)`);
      }
    }
  };
  walk(http, [http]);
  if (proxied === 0) report(file, 'no proxy_pass: nothing reaches the replicas');
}
