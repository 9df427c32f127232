/**
 * Where to go after signing in: only a path on this site, so a crafted
 * `?callbackUrl=…` can't send people elsewhere. Used by the sign-in and
 * sign-up pages and by next-auth's `redirect` callback (app/_data/auth.ts).
 *
 * Browsers forgive a lot when they parse a URL: they drop tabs and newlines
 * (`/\t/evil.example` becomes `//evil.example`, another host), read `\` as
 * `/`, and a value may arrive percent-encoded once or twice more than it is
 * used. So a value passes only if it, and every decoding of it, is a plain
 * path: starts with one `/`, has no control character, no backslash, and
 * resolves to this origin.
 *
 * @example
 * safeCallbackUrl('/d/abc')            // '/d/abc'
 * safeCallbackUrl('/%09/evil.example') // '/'
 */
export function safeCallbackUrl(value: string | string[] | undefined | null): string {
  const url = Array.isArray(value) ? value[0] : value
  if (typeof url !== 'string' || url.length > MAX_CALLBACK_LENGTH) return '/'
  let current = url
  for (let layer = 0; layer <= MAX_ENCODING_LAYERS; layer++) {
    if (!isPlainPath(current)) return '/'
    let decoded: string
    try {
      decoded = decodeURIComponent(current)
    } catch {
      return '/' // a stray `%` that is not an escape: no path of ours has one
    }
    if (decoded === current) return url
    current = decoded
  }
  return '/' // still decoding after that many layers: nothing legitimate is encoded so deep
}

/**
 * next-auth's `redirect` callback: `url` (a path, or an absolute URL on this
 * site) if it passes {@link safeCallbackUrl}, else home; always absolute on `baseUrl`.
 *
 * @example
 * safeRedirectUrl('https://app.example/d/abc', 'https://app.example') // 'https://app.example/d/abc'
 * safeRedirectUrl('/%09/evil.example', 'https://app.example')         // 'https://app.example/'
 */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  const path = url.startsWith(`${baseUrl}/`) ? url.slice(baseUrl.length) : url
  return `${baseUrl}${safeCallbackUrl(path)}`
}

/** Our own links are short; a long callback is an attack or a mistake. */
const MAX_CALLBACK_LENGTH = 2048
/** `%25252F` is `/` three decodings deep; our pages never nest encodings that far. */
const MAX_ENCODING_LAYERS = 3

// C0 controls (tab, CR, LF among them), DEL, and the backslash browsers read as `/`.
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/
const PROBE_ORIGIN = 'https://tandem.invalid'

function isPlainPath(candidate: string): boolean {
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return false
  if (FORBIDDEN.test(candidate)) return false
  try {
    // The last word goes to a real URL parser: whatever it makes of the value must stay on this origin.
    return new URL(candidate, PROBE_ORIGIN).origin === PROBE_ORIGIN
  } catch {
    return false
  }
}
