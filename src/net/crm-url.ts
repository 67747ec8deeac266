/**
 * CRM_URL_TEMPLATE: an http(s) URL with `{id}` where the client id goes, e.g.
 * `http://127.0.0.1:4010/clients/{id}`. The id is URL-encoded (every character but letters,
 * digits and `-_.!~*'()`), so no id can reach into the query (`?`, `&`, `#`) or another segment
 * (`/`). An id of dots only (`.`, `..`) has no safe form: URL parsers read `%2E%2E` as `..` too,
 * so it would climb out of the path. Such ids are refused (`dotsOnly`), at submission and again
 * by `path`.
 */
export interface CrmUrlTemplate {
  /** `http://host:port`: where every request goes (one connection pool). */
  origin: string;
  /** The request path and query for one client. */
  path(clientId: string | number): string;
}

// Survives URL parsing unchanged wherever `{id}` stood (a path segment or a query value).
const MARK = 'clientflow-id-c0ffee';

/** Parses the template; throws an Error saying what is wrong with it. */
export function parseCrmUrlTemplate(template: string): CrmUrlTemplate {
  if (!template.includes('{id}')) throw new Error('must contain {id} where the client id goes');
  let url: URL;
  try {
    url = new URL(template.replaceAll('{id}', MARK));
  } catch {
    throw new Error('must be an absolute http: or https: URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`must be an http: or https: URL, not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new Error('must not contain a user name or password');
  if (url.host.includes(MARK)) throw new Error('must have {id} in its path or query, not its host');
  const parts = `${url.pathname}${url.search}`.split(MARK);
  if (parts.length < 2) throw new Error('must have {id} in its path or query');
  return {
    origin: url.origin,
    path: (clientId) => parts.join(encodeId(String(clientId))),
  };
}

/** True for an id the CRM path cannot carry: dots only, which URL parsing reads as a path step. */
export function dotsOnly(clientId: string | number): boolean {
  return typeof clientId === 'string' && /^\.+$/.test(clientId);
}

function encodeId(id: string): string {
  if (dotsOnly(id)) throw new Error('a client id of dots only cannot be sent in a URL');
  return encodeURIComponent(id);
}
