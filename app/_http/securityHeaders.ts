/**
 * The per-request security headers proxy.ts puts on every page: the
 * Content-Security-Policy (with this request's script nonce, and the sync
 * server's origin in `connect-src`) and, on https, Strict-Transport-Security.
 * The headers that never change (nosniff, Referrer-Policy, …) are in
 * next.config.mjs, so static files get them too.
 *
 * Pure functions of their inputs, so they can be tested without a server.
 */
export interface PolicyInput {
  /** Fresh for each request; Next.js reads it back from the request's CSP header and puts it on its scripts. */
  nonce: string
  /** Where the editor's WebSocket may connect besides this origin ({@link syncConnectSources}). */
  connectSources: string[]
  https: boolean
  /** `next dev`: React's dev build needs eval, and the error overlay injects styles. */
  dev: boolean
}

export function contentSecurityPolicy({ nonce, connectSources, https, dev }: PolicyInput): string {
  const directives: string[][] = [
    ['default-src', "'self'"],
    // 'strict-dynamic': scripts our nonce'd scripts load (Next.js chunks) may run; nothing else,
    // 'self' included, in browsers that understand it ('self' stays for those that don't).
    ['script-src', "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(dev ? ["'unsafe-eval'"] : [])],
    // Style elements need the nonce (Tiptap's injected stylesheet gets it: components/editor/ui/CollabEditor.tsx).
    // Style *attributes* are allowed inline: ProseMirror and the caret extension set them (a caret's
    // colour), and so does React for server-rendered `style` props. An injected style attribute
    // cannot run script, and cannot send anything anywhere either: img-src, font-src and connect-src
    // below only reach this origin and the sync server. That is the trade: a nonce for every element
    // that could carry code, 'unsafe-inline' only for attributes that cannot.
    ['style-src', "'self'", dev ? "'unsafe-inline'" : `'nonce-${nonce}'`],
    ['style-src-attr', "'unsafe-inline'"],
    ['img-src', "'self'", 'data:', 'blob:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'", ...connectSources],
    // The service worker (public/sw.js, for opening documents offline). Without this, worker
    // scripts fall back to script-src, where 'strict-dynamic' ignores 'self' and blocks it.
    ['worker-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'self'"],
    ['form-action', "'self'"],
    ['frame-ancestors', "'none'"],
    // Only on https: on a plain-http install it would send the page's own requests to https, which isn't there.
    ...(https ? [['upgrade-insecure-requests']] : []),
  ]
  return directives.map((directive) => directive.join(' ')).join('; ')
}

/** Two years, without includeSubDomains: other services under this host's subdomains are not ours to pin to https. */
export const STRICT_TRANSPORT_SECURITY = 'max-age=63072000'

export interface SyncEndpoint {
  /** SYNC_URL, when set. */
  syncUrl: string | null
  syncPort: number
  /** The host the browser asked for (`Host`, or `X-Forwarded-Host` behind a trusted proxy), port included. */
  host: string | null
  https: boolean
}

// A DNS name or an IPv4 address, with an optional port. Anything else in a Host header
// (spaces, `;`, quotes) could inject directives into the policy, so it is never copied there.
const HOST_NAME = /^([a-z0-9-]+(?:\.[a-z0-9-]+)*\.?)(?::\d{1,5})?$/i
const IPV6_HOST = /^\[[0-9a-f:.]+\](?::\d{1,5})?$/i

/**
 * The sync server's origins as the editor will reach them: SYNC_URL's origin,
 * or, like `resolveSyncUrl` in the browser (components/editor/engine/syncUrl.ts),
 * the page's own host on SYNC_PORT with `wss:` for https pages; each with its
 * http(s) twin, for the sync server's HTTP transport where WebSockets fail
 * (components/editor/engine/transport/). CSP's `'self'` does not cover
 * another port, hence these sources.
 */
export function syncConnectSources(endpoint: SyncEndpoint): string[] {
  // One origin (a path-only SYNC_URL): the HTTP transport's requests go to the page's own origin, which 'self' covers.
  if (endpoint.syncUrl?.startsWith('/')) return socketSources(endpoint)
  return socketSources(endpoint).flatMap((source) => [source, httpTwin(source)])
}

/** `ws://h:p` → `http://h:p`, `wss:` → `https:` (and back, for a SYNC_URL given as http). */
function httpTwin(source: string): string {
  const [scheme, rest] = [source.slice(0, source.indexOf(':')), source.slice(source.indexOf(':'))]
  const twin = { ws: 'http', wss: 'https', http: 'ws', https: 'wss' }[scheme] ?? scheme
  return twin + rest
}

function socketSources({ syncUrl, syncPort, host, https }: SyncEndpoint): string[] {
  // A path-only SYNC_URL (`/sync`) is the page's own origin over ws(s), as resolveSyncUrl reads it.
  if (syncUrl?.startsWith('/')) return host ? pageOriginSources(host, https ? 'wss' : 'ws', null) : []
  if (syncUrl) {
    try {
      const url = new URL(syncUrl)
      if (['ws:', 'wss:', 'http:', 'https:'].includes(url.protocol) && HOST_NAME.test(url.host)) return [`${url.protocol}//${url.host}`]
      // An IPv6 literal cannot be written in a CSP source: allow the scheme, as for a page on one (below).
      if (['ws:', 'wss:'].includes(url.protocol) && IPV6_HOST.test(url.host)) return [url.protocol]
    } catch {
      // Not a URL: the editor could not connect to it either.
    }
    return []
  }
  if (!host) return []
  return pageOriginSources(host, https ? 'wss' : 'ws', syncPort)
}

/** The page's host (port included) over `scheme`, on `port` instead when one is given. */
function pageOriginSources(host: string, scheme: 'ws' | 'wss', port: number | null): string[] {
  const name = HOST_NAME.exec(host)
  if (name) return [port === null ? `${scheme}://${host}` : `${scheme}://${name[1]}:${port}`]
  // A page opened on an IPv6 literal ([::1]): CSP host sources have no syntax for one.
  if (IPV6_HOST.test(host)) return [`${scheme}:`]
  return []
}

/**
 * A nonce: 128 random bits, base64. Web Crypto rather than node:crypto, so it
 * works whichever runtime the proxy runs on.
 */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return btoa(String.fromCharCode(...bytes))
}
