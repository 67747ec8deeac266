/**
 * Who sends a generated request. Today the service has no authentication, so a principal is
 * either nobody (no Authorization header) or someone sending an Authorization header the service
 * ignores. When API keys and tenants arrive, a principal becomes "tenant T with a valid key" (or
 * a revoked, forged or foreign key): add the kind here, make `principalHeaders` send it, and the
 * suite can state "no tenant ever reads another's data" by comparing who created a batch with who
 * read it.
 */
import fc from 'fast-check';
import { headerValue } from './text.js';

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'authorization'; header: string };

export const principalArb: fc.Arbitrary<Principal> = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Principal>({ kind: 'anonymous' }) },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constantFrom('Bearer ', 'Basic ', 'ApiKey ', 'bearer', '').chain((scheme) =>
        fc.string({ unit: fc.constantFrom(...'abcdefABCDEF0123456789-._~+/='), maxLength: 64 }).map((token) => scheme + token)),
      headerValue(80),
    ).map((header): Principal => ({ kind: 'authorization', header })),
  },
);

/** The headers a principal adds to a request. */
export function principalHeaders(principal: Principal): Record<string, string> {
  return principal.kind === 'authorization' ? { authorization: principal.header } : {};
}
