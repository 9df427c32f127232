/**
 * The request target exactly as the client sent it, split into path and
 * query and never normalised. `new URL()` would resolve `/../etc` to `/etc`
 * and judge a docId the client never asked for; a bad docId must be refused
 * as sent, with 400, before the token is even looked at
 * (docs/sync-protocol.md, "Connecting").
 */
export interface RequestTarget {
  /** The path as sent: percent-escapes, dot segments and doubled slashes kept. */
  path: string
  /** The query string without its `?` ('' when there is none). */
  query: string
}

/** `http://host:port` of an absolute-form target (RFC 9112 §3.2.2), which servers must accept. */
const ABSOLUTE_FORM_PREFIX = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/

export function parseRequestTarget(target: string | undefined): RequestTarget {
  let rest = target ?? '/'
  const absolute = ABSOLUTE_FORM_PREFIX.exec(rest)
  if (absolute) rest = rest.slice(absolute[0].length) || '/'
  const hash = rest.indexOf('#')
  if (hash !== -1) rest = rest.slice(0, hash)
  const question = rest.indexOf('?')
  if (question === -1) return { path: rest, query: '' }
  return { path: rest.slice(0, question), query: rest.slice(question + 1) }
}

/** The docId of an upgrade to `/<docId>`: everything after the first slash, as sent ('' if the path has no leading slash). */
export function docIdOfUpgradePath(path: string): string {
  return path.startsWith('/') ? path.slice(1) : ''
}

/**
 * The raw path with `prefix` (SYNC_PATH_PREFIX, say `/sync`) taken off its
 * front, still as sent; `null` when the path lies outside the prefix. The
 * prefix must match whole segments exactly as written: `/syncx/a`,
 * `/Sync/a` and `/%73ync/a` are outside `/sync`. With no prefix ('') every
 * path is inside and comes back unchanged.
 *
 * @example
 * pathBelowPrefix('/sync/abc', '/sync') // '/abc'
 * pathBelowPrefix('/sync/../etc', '/sync') // '/../etc': judged (400) as sent
 */
export function pathBelowPrefix(path: string, prefix: string): string | null {
  if (prefix === '') return path
  if (path === prefix) return '/'
  if (path.startsWith(`${prefix}/`)) return path.slice(prefix.length)
  return null
}
