/**
 * Which Host headers the service answers: its defence against DNS rebinding, where a page on an
 * attacker's domain, whose name now resolves to 127.0.0.1, calls the service as its own origin.
 * The browser still sends the attacker's name in Host, so naming the hosts we serve stops it.
 */
import { isLoopback, type Config } from '../config.js';

export interface HostRule {
  /** Lower case, without a trailing dot; IPv6 in brackets, as Host writes it. */
  name: string;
  /** Only this port when set; any port otherwise. */
  port?: string;
}

/** Answered on a loopback HOST when ALLOWED_HOSTS is unset. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** "name", "name:port", "[v6]" or "[v6]:port" → its parts; null when it is none of those. */
function parseHost(host: string): HostRule | null {
  const match = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(host.trim());
  if (!match?.[1]) return null;
  // "localhost." names the same host as "localhost".
  const name = match[1].toLowerCase().replace(/\.$/, '');
  return match[2] === undefined ? { name } : { name, port: match[2] };
}

/** The hosts this configuration answers, or null for any host. */
export function allowedHosts(config: Pick<Config, 'ALLOWED_HOSTS' | 'HOST'>): HostRule[] | null {
  if (config.ALLOWED_HOSTS === undefined) {
    return isLoopback(config.HOST) ? LOOPBACK_NAMES.map((name) => ({ name })) : null;
  }
  const entries = config.ALLOWED_HOSTS.split(',').map((entry) => entry.trim());
  if (entries.includes('*')) return null;
  // config.ts has checked the form of every entry.
  return entries.map(parseHost).filter((rule): rule is HostRule => rule !== null);
}

/** Whether a request with this Host header is answered (a missing header is not, unless any host is). */
export function hostAllowed(rules: HostRule[] | null, header: string | undefined): boolean {
  if (rules === null) return true;
  const host = header === undefined ? null : parseHost(header);
  if (!host) return false;
  return rules.some((rule) => rule.name === host.name && (rule.port === undefined || rule.port === host.port));
}
