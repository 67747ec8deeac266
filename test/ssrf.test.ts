/**
 * The address rule of webhooks (net/address-policy.ts) and the Agent that applies it when it
 * connects (net/guarded-agent.ts). Every target below is refused at connect time, before a byte
 * is sent: requests go through the guarded Agent straight to a receiver on 127.0.0.1 (the submit
 * check, which would stop the IP literals earlier, is not in the way here). Without the guard the
 * loopback forms would reach that receiver.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, type Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AddressPolicy, addressRange, describeRange, parseAllowList } from '../src/net/address-policy.js';
import { guardedAgent, systemResolver, type Resolver } from '../src/net/guarded-agent.js';

describe('addressRange: only public unicast addresses pass', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'ipv4Mapped of loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped of loopback'],
    ['::ffff:10.0.0.1', 'ipv4Mapped of private'],
    ['::ffff:169.254.169.254', 'ipv4Mapped of linkLocal'],
    ['::ffff:0:127.0.0.1', 'rfc6145 of loopback'],
    ['64:ff9b::10.0.0.1', 'rfc6052 of private'],
    ['64:ff9b::7f00:1', 'rfc6052 of loopback'],
    ['64:ff9b:1::1', 'rfc6052'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2002:c0a8:101::1', '6to4 of private'],
    // Teredo: server 65.54.227.120 (public), client 127.0.0.1 stored inverted (80ff:fffe).
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo of loopback'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::127.0.0.1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
    ['100::1', 'discard'],
    ['fec0::1', 'deprecatedSiteLocal'],
  ])('%s is %s', (address, range) => {
    expect(addressRange(address)).toBe(range);
    expect(new AddressPolicy().refusal(address)).toBe(range);
  });

  it.each([
    '8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7',
  ])('%s is public unicast', (address) => {
    expect(addressRange(address)).toBe('unicast');
    expect(new AddressPolicy().refusal(address)).toBeNull();
  });
});

describe('WEBHOOK_ALLOW_HOSTS', () => {
  it('names host names, addresses and CIDR ranges that pass although not public', () => {
    const policy = new AddressPolicy(parseAllowList(' 127.0.0.1 , Hooks.Internal., 10.1.0.0/16, [::1], fd00::/8 ,,'));
    expect(policy.refusal('127.0.0.1')).toBeNull();
    expect(policy.refusal('::ffff:127.0.0.1')).toBeNull();
    expect(policy.refusal('127.0.0.2')).toBe('loopback');
    expect(policy.refusal('10.1.200.3')).toBeNull();
    expect(policy.refusal('10.2.0.1')).toBe('private');
    expect(policy.refusal('::1')).toBeNull();
    expect(policy.refusal('fd00::5')).toBeNull();
    expect(policy.refusal('fe80::1')).toBe('linkLocal');
    expect(policy.allowsHost('hooks.internal')).toBe(true);
    expect(policy.allowsHost('HOOKS.internal.')).toBe(true);
    expect(policy.allowsHost('evil.hooks.internal')).toBe(false);
  });

  it.each([
    ['a number a URL would read as an address', '2130706433'],
    ['a hex number', '0x7f000001'],
    ['a prefix too long', '10.0.0.0/33'],
    ['a prefix that is not a number', '10.0.0.0/x'],
    ['two prefixes', '10.0.0.0/8/8'],
    ['a URL', 'http://example.com'],
    ['a port', 'example.com:8080'],
    ['a wildcard', '*.example.com'],
  ])('refuses %s', (_, entry) => {
    expect(() => parseAllowList(`example.com,${entry}`)).toThrow(`"${entry}"`);
  });
});

describe('the guarded Agent refuses at connect time', () => {
  let server: Server;
  let port: number;
  let received = 0;
  let agent: Agent | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      received += 1;
      req.resume();
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterEach(async () => {
    await agent?.close();
    agent = undefined;
  });

  /** POSTs through a guarded Agent; the error's code, or the status. */
  async function post(url: string, resolve: Resolver, allow = ''): Promise<string | number> {
    agent = guardedAgent({ policy: new AddressPolicy(parseAllowList(allow)), resolve, connectTimeoutMs: 2_000 });
    try {
      const res = await request(url, { method: 'POST', body: '{}', dispatcher: agent, signal: AbortSignal.timeout(5_000) });
      await res.body.dump();
      return res.statusCode;
    } catch (e) {
      return String((e as { code?: unknown }).code ?? e);
    }
  }

  /** Scripted DNS: every name answers `addresses`, all at once. */
  const answers = (...addresses: string[]): Resolver => async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it.each([
    ['decimal IPv4', 'http://2130706433:PORT/'],
    ['hex IPv4', 'http://0x7f000001:PORT/'],
    ['octal IPv4', 'http://0177.0.0.1:PORT/'],
    ['dotted hex IPv4', 'http://0x7f.0.0.1:PORT/'],
    ['short IPv4', 'http://127.1:PORT/'],
    ['loopback', 'http://127.0.0.1:PORT/'],
    ['IPv4-mapped IPv6', 'http://[::ffff:7f00:1]:PORT/'],
    ['IPv4-mapped IPv6, dotted', 'http://[::ffff:127.0.0.1]:PORT/'],
    ['IPv6 loopback', 'http://[::1]:PORT/'],
    ['unspecified 0.0.0.0 (Linux connects it to loopback)', 'http://0.0.0.0:PORT/'],
    ['unspecified ::', 'http://[::]:PORT/'],
    ['the metadata address', 'http://169.254.169.254:PORT/latest/meta-data/'],
    ['CGNAT', 'http://100.64.0.1:PORT/'],
    ['private 10/8', 'http://10.0.0.1:PORT/'],
    ['private 172.16/12', 'http://172.16.0.1:PORT/'],
    ['private 192.168/16', 'http://192.168.1.1:PORT/'],
    ['link-local IPv6', 'http://[fe80::1]:PORT/'],
    ['unique-local IPv6', 'http://[fd00::1]:PORT/'],
    ['NAT64 of loopback', 'http://[64:ff9b::7f00:1]:PORT/'],
  ])('an IP literal: %s', async (_, url) => {
    let asked = 0;
    const resolve: Resolver = async () => {
      asked += 1;
      return [];
    };
    expect(await post(url.replace('PORT', String(port)), resolve)).toBe('ERR_ADDRESS_REFUSED');
    // An address is checked as it is, never looked up.
    expect(asked).toBe(0);
    expect(received).toBe(0);
  });

  it.each([
    ['resolving to loopback', ['127.0.0.1']],
    ['resolving to IPv6 loopback', ['::1']],
    ['resolving to the metadata address', ['169.254.169.254']],
    ['resolving to a private address', ['10.0.0.1']],
    ['resolving to IPv4-mapped loopback', ['::ffff:127.0.0.1']],
    ['resolving to a public address and loopback (all answers are checked)', ['93.184.216.34', '127.0.0.1']],
    ['resolving to loopback and a public address', ['127.0.0.1', '2606:4700:4700::1111']],
  ])('a host name %s', async (_, addresses) => {
    expect(await post(`http://hooks.example.com:${port}/`, answers(...addresses))).toBe('ERR_ADDRESS_REFUSED');
    expect(received).toBe(0);
  });

  it('localhost, resolved by the system', async () => {
    expect(await post(`http://localhost:${port}/`, systemResolver)).toBe('ERR_ADDRESS_REFUSED');
    expect(received).toBe(0);
  });

  it('a name that answers public first and loopback second is checked on every connection', async () => {
    let calls = 0;
    // The first answer stands for a public address (127.0.0.2, allowed; nothing listens there).
    const rebinding: Resolver = async () => [{ address: ++calls === 1 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    agent = guardedAgent({ policy: new AddressPolicy(parseAllowList('127.0.0.2')), resolve: rebinding, connectTimeoutMs: 2_000 });
    const attempt = () => request(`http://rebind.example.com:${port}/`, { method: 'POST', body: '{}', dispatcher: agent })
      .then(async (res) => { await res.body.dump(); return res.statusCode; }, (e: { code?: string }) => e.code);
    expect(await attempt()).toBe('ECONNREFUSED');
    expect(await attempt()).toBe('ERR_ADDRESS_REFUSED');
    expect(calls).toBe(2);
    expect(received).toBe(0);
  });

  it('lets through what WEBHOOK_ALLOW_HOSTS names, by address or by name', async () => {
    expect(await post(`http://127.0.0.1:${port}/`, answers(), '127.0.0.1')).toBe(200);
    expect(await post(`http://hooks.internal:${port}/`, answers('127.0.0.1'), 'hooks.internal')).toBe(200);
    expect(await post(`http://hooks.internal:${port}/`, answers('127.0.0.1'), '10.0.0.0/8')).toBe('ERR_ADDRESS_REFUSED');
    expect(received).toBe(2);
    received = 0;
  });
});

describe('refusal messages', () => {
  it('name the range in words', () => {
    expect(describeRange('loopback')).toBe('a loopback address');
    expect(describeRange('ipv4Mapped of loopback')).toBe('an IPv4-mapped address of a loopback one');
    expect(describeRange('unspecified')).toBe('an unspecified address');
    expect(describeRange('carrierGradeNat')).toBe('a carrier-grade NAT address');
  });
});
