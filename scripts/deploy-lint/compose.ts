/**
 * docker-compose.yml, read as compose reads it (YAML merge keys resolved), validated against the
 * Compose Specification's JSON schema, then checked for what a schema cannot see: build contexts
 * and bind-mounted files that exist, depends_on targets that exist (with a healthcheck when
 * waited on as healthy), named volumes declared, images pinned, a DATABASE_URL that reaches the
 * database service with its credentials, an OTLP endpoint that reaches a trace receiver's OTLP/HTTP
 * port, and replicas whose environment is a valid configuration.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { loadConfig, type Config } from '../../src/config.js';
import { readDockerfile, type ImageFacts } from './dockerfile.js';
import { dict, isDict, list, text, type Dict, type Report } from './values.js';

export const COMPOSE_FILE = 'docker-compose.yml';

export interface Compose {
  root: string;
  services: Map<string, Dict>;
  /**
   * The services built from the repository's own Dockerfile (the clientflow replicas), each with
   * the configuration it runs with: the image's ENV, then the service's environment.
   */
  replicas: Map<string, Config>;
}

let validator: ValidateFunction | undefined;

/**
 * The Compose Specification's schema (compose-spec.json, JSON Schema draft-07) as the dclint
 * package ships it: a copy of the spec repository's schema taken when that dclint was built.
 */
function composeSchema(): ValidateFunction {
  if (validator) return validator;
  const require = createRequire(import.meta.url);
  const file = join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Dict;
  const named = text(schema.$schema) ?? '';
  if (!/draft-07/.test(named)) throw new Error(`${file}: expected a draft-07 schema, found ${named || 'no $schema'}`);
  // Compose's own validator is lenient in the same ways: union types, unknown formats.
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  // The schema names draft-07 by its https address; Ajv knows it by the http one.
  const draft7 = ajv.getSchema('http://json-schema.org/draft-07/schema')?.schema;
  if (isDict(draft7) && named !== draft7.$id) ajv.addMetaSchema({ ...draft7, $id: named });
  validator = ajv.compile(schema);
  return validator;
}

const isDir = (path: string) => existsSync(path) && statSync(path).isDirectory();

export function buildOf(spec: Dict): { context: string; dockerfile: string } | undefined {
  if (spec.build === undefined) return undefined;
  if (typeof spec.build === 'string') return { context: spec.build, dockerfile: 'Dockerfile' };
  const build = dict(spec.build);
  return { context: text(build.context) ?? '.', dockerfile: text(build.dockerfile) ?? 'Dockerfile' };
}

/** The service's environment as text (a variable without a value, passed from the shell, is left out). */
export function environment(spec: Dict): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(spec.environment)) {
    for (const item of spec.environment) {
      const [, key, value] = /^([^=]+)=(.*)$/s.exec(text(item) ?? '') ?? [];
      if (key !== undefined) env[key] = value ?? '';
    }
  } else {
    for (const [key, value] of Object.entries(dict(spec.environment))) {
      const v = text(value);
      if (v !== undefined) env[key] = v;
    }
  }
  return env;
}

/** depends_on as service → condition, from its list or its map form. */
export function dependsOn(spec: Dict): Map<string, string> {
  const deps = new Map<string, string>();
  if (Array.isArray(spec.depends_on)) {
    for (const name of spec.depends_on) deps.set(text(name) ?? '', 'service_started');
  } else {
    for (const [name, how] of Object.entries(dict(spec.depends_on))) {
      deps.set(name, text(dict(how).condition) ?? 'service_started');
    }
  }
  return deps;
}

export interface Mount {
  source: string | undefined;
  target: string;
  bind: boolean;
}

export function mountsOf(spec: Dict): Mount[] {
  return list(spec.volumes).map((item): Mount => {
    if (isDict(item)) {
      return { source: text(item.source), target: text(item.target) ?? '', bind: text(item.type) === 'bind' };
    }
    const parts = (text(item) ?? '').split(':');
    if (parts.length === 1) return { source: undefined, target: parts[0]!, bind: false };
    const source = parts[0]!;
    return { source, target: parts[1]!, bind: /^[./~]/.test(source) };
  });
}

/** Where on the host a path inside a service's container comes from (a bind mount), if it does. */
export function hostPath(compose: Compose, service: string, containerPath: string): string | undefined {
  for (const m of mountsOf(compose.services.get(service) ?? {})) {
    if (!m.bind || m.source === undefined) continue;
    if (containerPath === m.target || containerPath.startsWith(`${m.target}/`)) {
      return join(resolve(compose.root, m.source), containerPath.slice(m.target.length));
    }
  }
  return undefined;
}

/**
 * Published ports: the container port, the host port it is published on and the host address it
 * is bound to, when they are named (no address: every interface of the host).
 */
export function portsOf(spec: Dict): Array<{ host: string | undefined; published: string | undefined; target: string }> {
  return list(spec.ports).map((item) => {
    if (isDict(item)) return { host: text(item.host_ip), published: text(item.published), target: text(item.target) ?? '' };
    const short = (text(item) ?? '').replace(/\/\w+$/, '');
    const cut = short.lastIndexOf(':');
    if (cut < 0) return { host: undefined, published: undefined, target: short };
    const hostPart = short.slice(0, cut);
    const at = hostPart.lastIndexOf(':');
    const host = at < 0 ? undefined : hostPart.slice(0, at).replace(/^\[(.*)\]$/, '$1');
    return { host, published: hostPart.slice(at + 1), target: short.slice(cut + 1) };
  });
}

/** Host addresses a published port may be bound to: this machine's loopback only. */
const LOOPBACK = new Set(['127.0.0.1', '::1']);

/** The services whose image is `repository` (any tag), by name. */
export function servicesOfImage(compose: Compose, repository: string): string[] {
  return [...compose.services].filter(([, spec]) => (text(spec.image) ?? '').split(/[:@]/)[0] === repository).map(([name]) => name);
}

/** Parses and validates the file; undefined when it is not YAML at all (nothing else can be checked). */
export function loadCompose(root: string, report: Report): Compose | undefined {
  const path = join(root, COMPOSE_FILE);
  if (!existsSync(path)) {
    report(COMPOSE_FILE, 'missing');
    return undefined;
  }
  const doc = parseDocument(readFileSync(path, 'utf8'), { merge: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) report(COMPOSE_FILE, e.message.split('\n')[0]!.replace(/:$/, ''));
    return undefined;
  }
  const data: unknown = doc.toJS();
  const validate = composeSchema();
  if (!validate(data)) {
    const errors = validate.errors ?? [];
    // Where a value fails inside one branch of a oneOf, the other branches' "must be array" and
    // the oneOf's own summary only repeat it: keep the deepest errors.
    const deeper = (path: string) => errors.some((e) => e.instancePath.startsWith(`${path}/`));
    const lines = new Set(errors.filter((e) => !(['type', 'oneOf', 'anyOf'].includes(e.keyword) && deeper(e.instancePath))).map((e) => {
      const where = e.instancePath.slice(1).split('/').map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~')).join('.');
      const detail = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})`
        : e.keyword === 'enum' ? `: ${(e.params.allowedValues as unknown[]).join(', ')}` : '';
      return `${where || 'top level'}: ${e.message ?? e.keyword}${detail}`;
    }));
    for (const line of lines) report(COMPOSE_FILE, line);
  }
  const services = new Map(Object.entries(dict(dict(data).services)).map(([name, spec]) => [name, dict(spec)]));
  const compose: Compose = { root, services, replicas: new Map() };
  checkServices(compose, dict(dict(data).volumes), report);
  return compose;
}

function checkServices(compose: Compose, volumes: Dict, report: Report): void {
  const { root, services } = compose;
  const images = new Map<string, ImageFacts>();
  const imageOf = (spec: Dict): ImageFacts | undefined => {
    const build = buildOf(spec);
    const file = build && resolve(root, build.context, build.dockerfile);
    if (!file || !existsSync(file)) return undefined;
    if (!images.has(file)) images.set(file, readDockerfile(readFileSync(file, 'utf8')));
    return images.get(file);
  };
  const healthchecked = (spec: Dict) => {
    if (spec.healthcheck !== undefined) return dict(spec.healthcheck).disable !== true;
    return imageOf(spec)?.healthcheck ?? false;
  };
  const published = new Map<string, string>();

  for (const [name, spec] of services) {
    const at = `services.${name}`;
    const build = buildOf(spec);
    if (build) {
      const context = resolve(root, build.context);
      if (!isDir(context)) report(COMPOSE_FILE, `${at}.build: context ${build.context} is not a directory`);
      else if (!existsSync(join(context, build.dockerfile))) report(COMPOSE_FILE, `${at}.build: no ${build.dockerfile} in ${build.context}`);
    } else {
      const image = text(spec.image);
      if (image === undefined) report(COMPOSE_FILE, `${at}: neither image nor build`);
      else if (!/[:@]/.test(image.split('/').pop() ?? '') || image.endsWith(':latest')) {
        report(COMPOSE_FILE, `${at}.image: ${image} is not pinned to a version`);
      }
    }

    for (const [dep, condition] of dependsOn(spec)) {
      const target = services.get(dep);
      if (!target) report(COMPOSE_FILE, `${at}.depends_on: ${dep} is not a service`);
      else if (dep === name) report(COMPOSE_FILE, `${at}.depends_on: depends on itself`);
      else if (condition === 'service_healthy' && !healthchecked(target)) {
        report(COMPOSE_FILE, `${at}.depends_on: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      }
    }

    for (const m of mountsOf(spec)) {
      if (m.source === undefined) continue;
      if (m.bind && !existsSync(resolve(root, m.source))) report(COMPOSE_FILE, `${at}.volumes: ${m.source} does not exist`);
      if (!m.bind && !(m.source in volumes)) report(COMPOSE_FILE, `${at}.volumes: volume ${m.source} is not declared under the top-level volumes`);
    }

    for (const { host, published: port, target } of portsOf(spec)) {
      // Published on every interface, a port is open to the whole network: Docker's own rules
      // bypass the host's firewall. A proxy with TLS and access control is the way in from outside.
      if (host === undefined || !LOOPBACK.has(host)) {
        report(COMPOSE_FILE, `${at}.ports: ${port ?? target} is published on ${host ?? 'every interface'}; bind it to 127.0.0.1 (127.0.0.1:${port ?? target}:${target})`);
      }
      if (port === undefined) continue;
      const other = published.get(port);
      if (other !== undefined) report(COMPOSE_FILE, `${at}.ports: host port ${port} is already published by ${other}`);
      else published.set(port, name);
    }

    const env = environment(spec);
    if (env.DATABASE_URL !== undefined) checkDatabaseUrl(compose, name, env.DATABASE_URL, report);
    for (const key of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) {
      if (env[key] !== undefined) checkOtlpEndpoint(compose, name, key, env[key], report);
    }

    const image = imageOf(spec);
    if (build && image && resolve(root, build.context) === resolve(root) && build.dockerfile === 'Dockerfile') {
      const config = replicaConfig({ ...image.env, ...env }, image.env, (message) => report(COMPOSE_FILE, `${at}.environment: ${message}`));
      // Anything else listens on the container's loopback only, out of nginx's and Prometheus's reach.
      if (config.HOST !== '0.0.0.0' && config.HOST !== '::') {
        report(COMPOSE_FILE, `${at}.environment: HOST=${config.HOST} is out of reach of the other containers; use 0.0.0.0`);
      }
      compose.replicas.set(name, config);
    }
  }
  if (compose.replicas.size === 0) report(COMPOSE_FILE, 'no service is built from the repository\'s Dockerfile (build: .)');
}

/**
 * The configuration a replica runs with. An invalid one is reported, and the other files are then
 * checked against the image's defaults, so that one mistake is one line.
 */
function replicaConfig(env: Record<string, string>, imageEnv: Record<string, string>, invalid: (message: string) => void): Config {
  try {
    return loadConfig(env);
  } catch (e) {
    invalid((e as Error).message);
    return loadConfig(imageEnv);
  }
}

/** Jaeger's OTLP/HTTP port; its 4317 is gRPC, which the service does not speak. */
const JAEGER_OTLP_HTTP = '4318';

/**
 * An OTLP endpoint naming a host without a dot must be a service this one depends on (a dotted
 * name may be outside the file); a Jaeger service must be reached on its OTLP/HTTP port.
 */
function checkOtlpEndpoint(compose: Compose, name: string, key: string, value: string, report: Report): void {
  const at = `services.${name}.environment.${key}`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return; // the replica's configuration check names it
  }
  const host = url.hostname;
  const receiver = compose.services.get(host);
  if (!receiver) {
    if (!host.includes('.')) report(COMPOSE_FILE, `${at}: host ${host} is not a service`);
    return;
  }
  if (!dependsOn(compose.services.get(name) ?? {}).has(host)) report(COMPOSE_FILE, `${at}: ${name} does not depend on ${host}`);
  const repository = (text(receiver.image) ?? '').split(/[:@]/)[0]!;
  if (repository.endsWith('jaegertracing/jaeger') && url.port !== JAEGER_OTLP_HTTP) {
    report(COMPOSE_FILE, `${at}: port ${url.port || 'default'}, but ${host} takes OTLP over HTTP on ${JAEGER_OTLP_HTTP}`);
  }
}

/** DATABASE_URL must reach a database service this one waits for, with that service's user, password and database. */
function checkDatabaseUrl(compose: Compose, name: string, value: string, report: Report): void {
  const at = `services.${name}.environment.DATABASE_URL`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    report(COMPOSE_FILE, `${at}: not a URL`);
    return;
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') return;
  const host = url.hostname;
  const db = compose.services.get(host);
  if (!db) {
    report(COMPOSE_FILE, `${at}: host ${host} is not a service`);
    return;
  }
  if (!dependsOn(compose.services.get(name) ?? {}).has(host)) report(COMPOSE_FILE, `${at}: ${name} does not depend on ${host}`);
  if ((text(db.image) ?? '').split(':')[0] !== 'postgres') return;
  // The official image's variables and their defaults.
  const env = environment(db);
  const user = env.POSTGRES_USER ?? 'postgres';
  const database = env.POSTGRES_DB ?? user;
  if (decodeURIComponent(url.username) !== user) report(COMPOSE_FILE, `${at}: user ${url.username} is not ${host}'s POSTGRES_USER (${user})`);
  if (env.POSTGRES_PASSWORD !== undefined && decodeURIComponent(url.password) !== env.POSTGRES_PASSWORD) {
    report(COMPOSE_FILE, `${at}: the password is not ${host}'s POSTGRES_PASSWORD`);
  }
  if (decodeURIComponent(url.pathname.slice(1)) !== database) {
    report(COMPOSE_FILE, `${at}: database ${url.pathname.slice(1)} is not ${host}'s POSTGRES_DB (${database})`);
  }
  if ((url.port || '5432') !== '5432') report(COMPOSE_FILE, `${at}: port ${url.port}, but ${host} listens on 5432`);
}
