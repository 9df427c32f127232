import { NextResponse, type NextRequest } from 'next/server'
import { getConfig } from '@/app/_data/config'
import { contentSecurityPolicy, newNonce, STRICT_TRANSPORT_SECURITY, syncConnectSources } from '@/app/_http/securityHeaders'

/**
 * Runs before every page and route (not before static files):
 *
 * 1. A Content-Security-Policy with a fresh script nonce, on the response and
 *    on the request, where Next.js reads the nonce back and puts it on its own
 *    scripts (the Next.js CSP guide). Pages must therefore render per request:
 *    the root layout makes sure of it. The fixed security headers come from
 *    next.config.mjs.
 * 2. An optimistic sign-in check (as the Next.js auth guide advises) for the
 *    pages that need one: no session cookie at all means "signed out", so send
 *    the visitor to /signin and back afterwards. Pages still verify the session
 *    itself; an expired or forged cookie passes this check and is refused there.
 */
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token']
const SIGNED_IN_PAGES = /^\/(?:$|d\/|s\/)/

export function proxy(request: NextRequest) {
  const config = getConfig()
  const https = isHttps(request)
  const nonce = newNonce()
  const policy = contentSecurityPolicy({
    nonce,
    connectSources: syncConnectSources({ syncUrl: config.syncUrl, syncPort: config.syncPort, host: pageHost(request, config.trustProxyHops), https }),
    https,
    dev: process.env.NODE_ENV === 'development',
  })

  const response = needsSignIn(request) ? redirectToSignIn(request) : passOn(request, nonce, policy)
  response.headers.set('content-security-policy', policy)
  if (https) response.headers.set('strict-transport-security', STRICT_TRANSPORT_SECURITY)
  return response
}

function needsSignIn(request: NextRequest): boolean {
  if (!SIGNED_IN_PAGES.test(request.nextUrl.pathname)) return false
  // next-auth splits large JWTs into `…session-token.0`, `.1`, … chunks.
  return !request.cookies
    .getAll()
    .some(({ name }) => SESSION_COOKIES.some((cookie) => name === cookie || name.startsWith(`${cookie}.`)))
}

function redirectToSignIn(request: NextRequest): NextResponse {
  const signIn = new URL('/signin', request.url)
  signIn.searchParams.set('callbackUrl', request.nextUrl.pathname + request.nextUrl.search)
  return NextResponse.redirect(signIn)
}

function passOn(request: NextRequest, nonce: string, policy: string): NextResponse {
  const headers = new Headers(request.headers)
  headers.set('x-nonce', nonce)
  headers.set('content-security-policy', policy)
  return NextResponse.next({ request: { headers } })
}

/**
 * https as the browser sees it: TLS here, or a proxy's X-Forwarded-Proto.
 * Believing a forged one is harmless: it only changes the sender's own
 * response, and browsers ignore Strict-Transport-Security over plain http.
 */
function isHttps(request: NextRequest): boolean {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
  return forwarded ? forwarded === 'https' : request.nextUrl.protocol === 'https:'
}

/** The host the browser used: a trusted proxy's X-Forwarded-Host (it may have rewritten Host), else Host. */
function pageHost(request: NextRequest, trustProxyHops: number): string | null {
  const forwarded = trustProxyHops > 0 ? request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined
  return forwarded || request.headers.get('host')
}

export const config = {
  // Everything but the build's static files and the icon: pages, server actions, route handlers.
  matcher: ['/((?!_next/static|_next/image|favicon\\.ico|icon\\.svg).*)'],
}
