/**
 * Who sends a generated request: nobody (no Authorization header), someone sending a header that
 * is no key of this service, or the holder of one of the keys the suite minted (tenants.ts): a
 * key of tenant A or B, an admin key, a revoked key, or the key whose tenant may make only a few
 * requests a minute. A principal is a plain value (printable, replayable); the key it names is
 * looked up in the run's KeyRing when the request is sent.
 */
import fc from 'fast-check';
import { headerValue } from './text.js';

/** The keys the suite holds: `alpha` and `bravo` are tenant keys, `slow` a tenant key with a tiny rate quota. */
export type KeyRole = 'alpha' | 'bravo' | 'admin' | 'revoked' | 'slow';
export const KEY_ROLES: readonly KeyRole[] = ['alpha', 'bravo', 'admin', 'revoked', 'slow'];

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'authorization'; header: string }
  | { kind: 'key'; role: KeyRole };

/** The Authorization header of each key role (`Bearer cf_…`). */
export type KeyRing = Record<KeyRole, string>;

/** Headers that are no key of this service: other schemes, Bearer with junk, a key-shaped token nobody minted, any bytes. */
const garbage: fc.Arbitrary<Principal> = fc.oneof(
  fc.constantFrom('Bearer ', 'Basic ', 'ApiKey ', 'bearer', '').chain((scheme) =>
    fc.string({ unit: fc.constantFrom(...'abcdefABCDEF0123456789-._~+/='), maxLength: 64 }).map((token) => scheme + token)),
  fc.tuple(fc.stringMatching(/^[a-z0-9]{12}$/), fc.stringMatching(/^[A-Za-z0-9_-]{43}$/)).map(([id, secret]) => `Bearer cf_${id}_${secret}`),
  headerValue(80),
).map((header): Principal => ({ kind: 'authorization', header }));

export const principalArb: fc.Arbitrary<Principal> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Principal>({ kind: 'anonymous' }) },
  { weight: 1, arbitrary: garbage },
  { weight: 5, arbitrary: fc.constantFrom<Principal>({ kind: 'key', role: 'alpha' }, { kind: 'key', role: 'bravo' }) },
  { weight: 2, arbitrary: fc.constant<Principal>({ kind: 'key', role: 'admin' }) },
  { weight: 1, arbitrary: fc.constantFrom<Principal>({ kind: 'key', role: 'revoked' }, { kind: 'key', role: 'slow' }) },
);

/** The headers a principal adds to a request. */
export function principalHeaders(principal: Principal, ring: KeyRing): Record<string, string> {
  if (principal.kind === 'authorization') return { authorization: principal.header };
  if (principal.kind === 'key') return { authorization: ring[principal.role] };
  return {};
}
