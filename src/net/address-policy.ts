/**
 * Which addresses the service may connect to on a caller's behalf (webhooks): only public unicast
 * ones. A callbackUrl is chosen by whoever submits a batch; without this rule it could make the
 * service POST to itself, to the cloud metadata address or to anything on its private network.
 *
 * Refused: loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16 with
 * 169.254.169.254, fe80::/10), CGNAT 100.64/10, multicast, unspecified, broadcast, reserved and
 * documentation ranges — every range ipaddr.js names other than `unicast`. An IPv6 address that
 * carries an IPv4 one (IPv4-mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo)
 * is judged by the IPv4 address inside, since that is where the packets may end up.
 *
 * WEBHOOK_ALLOW_HOSTS names exceptions: host names (any address they resolve to is allowed) and
 * IP addresses or CIDR ranges (allowed whatever range they are in).
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** How `address` is classified: `unicast` when it is public, else the range that keeps it out. */
export function addressRange(address: string): string {
  return rangeOf(parse(address));
}

/**
 * ipaddr.parse, except that an IPv6 address ending in a dotted IPv4 one is read as the socket
 * layer reads it: ipaddr.js turns `::a.b.c.d` into `::ffff:a.b.c.d`, but it is `::XXXX:XXXX`.
 */
function parse(address: string): Address {
  const hex = (a: string, b: string) => ((Number(a) << 8) | Number(b)).toString(16);
  const form = address.includes(':')
    ? address.replace(/(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/, (_, a: string, b: string, c: string, d: string) => `${hex(a, b)}:${hex(c, d)}`)
    : address;
  return ipaddr.parse(form);
}

function rangeOf(ip: Address): string {
  if (ip.kind() === 'ipv4') return ip.range();
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  const p = v6.parts;
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  const inner = (name: string, ...embedded: ipaddr.IPv4[]) => {
    const bad = embedded.map((e) => e.range()).find((r) => r !== 'unicast');
    return bad === undefined ? 'unicast' : `${name} of ${bad}`;
  };
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': //   ::ffff:0:a.b.c.d
      return inner(range, v4(p[6]!, p[7]!));
    case 'rfc6052': // NAT64: the well-known 64:ff9b::/96 carries the IPv4 address in its last 32 bits
      return p[1] === 0xff9b && p[2] === 0 ? inner(range, v4(p[6]!, p[7]!)) : range;
    case '6to4': // 2002:AABB:CCDD::/48
      return inner(range, v4(p[1]!, p[2]!));
    case 'teredo': // 2001:0:server:…:~client: both ends count
      return inner(range, v4(p[2]!, p[3]!), v4(~p[6]! & 0xffff, ~p[7]! & 0xffff));
    case 'unicast':
      // IPv4-compatible ::a.b.c.d (deprecated; ipaddr.js calls it unicast): never a public host.
      return p.slice(0, 6).every((x) => x === 0) ? 'ipv4Compatible' : range;
    default:
      return range;
  }
}

const WORDS: Record<string, string> = {
  loopback: 'loopback', private: 'private', linkLocal: 'link-local', carrierGradeNat: 'carrier-grade NAT',
  unspecified: 'unspecified', multicast: 'multicast', broadcast: 'broadcast', reserved: 'reserved',
  uniqueLocal: 'unique local', ipv4Mapped: 'IPv4-mapped', rfc6145: 'IPv4-translated', rfc6052: 'NAT64',
  '6to4': '6to4', teredo: 'Teredo', ipv4Compatible: 'IPv4-compatible', benchmarking: 'benchmarking',
  amt: 'AMT', as112: 'AS112', deprecated: 'deprecated', orchid2: 'ORCHIDv2', discard: 'discard-only',
};

/** A refused range as a message says it: "a loopback address", "an IPv4-mapped address of a loopback one". */
export function describeRange(range: string): string {
  const word = (name: string) => WORDS[name] ?? name;
  const article = (text: string) => (/^[aeiouAEIOU]/.test(text) ? `an ${text}` : `a ${text}`);
  const [outer, inner] = range.split(' of ');
  return inner === undefined ? `${article(word(outer!))} address` : `${article(word(outer!))} address of ${article(word(inner))} one`;
}

/** The parsed WEBHOOK_ALLOW_HOSTS. */
export interface AllowList {
  /** Lower-case host names, without a trailing dot. */
  hosts: ReadonlySet<string>;
  ranges: ReadonlyArray<[Address, number]>;
}

export const EMPTY_ALLOW_LIST: AllowList = { hosts: new Set(), ranges: [] };

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses a comma list of host names, IP addresses and CIDR ranges. Throws an Error naming the
 * first entry that is none of them. A host name must not look like a number (`2130706433`,
 * `0x7f000001`): a URL parser reads those as IP addresses, and so must this list.
 */
export function parseAllowList(raw: string): AllowList {
  const hosts = new Set<string>();
  const ranges: Array<[Address, number]> = [];
  for (const entry of raw.split(',').map((e) => e.trim().toLowerCase()).filter((e) => e !== '')) {
    const bare = entry.replace(/^\[(.*)\]$/, '$1');
    const [address, prefix, extra] = bare.split('/');
    if (isIP(address!) !== 0 && extra === undefined) {
      const ip = parse(address!);
      const max = ip.kind() === 'ipv4' ? 32 : 128;
      const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      if (!(bits >= 0 && bits <= max)) throw new Error(`"${entry}" has no valid prefix length (0 to ${max})`);
      ranges.push([ip, bits]);
      continue;
    }
    const name = entry.replace(/\.$/, '');
    const labels = name.split('.');
    const last = labels[labels.length - 1]!;
    if (labels.every((l) => LABEL.test(l)) && !/^(\d+|0x[0-9a-f]*)$/.test(last)) {
      hosts.add(name);
      continue;
    }
    throw new Error(`"${entry}" is not a host name, an IP address or a CIDR range`);
  }
  return { hosts, ranges };
}

/** The rule of one deliverer: what the allow list lets through, and public unicast. */
export class AddressPolicy {
  constructor(readonly allow: AllowList = EMPTY_ALLOW_LIST) {}

  /** Whether `hostname` (a name, not an address) is named in the allow list. */
  allowsHost(hostname: string): boolean {
    return this.allow.hosts.has(hostname.toLowerCase().replace(/\.$/, ''));
  }

  /** Null when the service may connect to `address`, else the range that refuses it. */
  refusal(address: string): string | null {
    const ip = parse(address);
    // An IPv4-mapped address matches the allow list's IPv4 entries too: it is the same host.
    const forms: Address[] = [ip];
    if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) forms.push((ip as ipaddr.IPv6).toIPv4Address());
    for (const [net, bits] of this.allow.ranges) {
      if (forms.some((f) => f.kind() === net.kind() && f.match(net, bits))) return null;
    }
    const range = rangeOf(ip);
    return range === 'unicast' ? null : range;
  }
}
