import { NextResponse, type NextRequest } from 'next/server'

/**
 * An optimistic check only (as the Next.js auth guide advises): no session
 * cookie at all means "signed out", so send the visitor to /signin and back
 * here afterwards. Pages still verify the session itself; an expired or forged
 * cookie passes this check and is refused there.
 */
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token']

export function proxy(request: NextRequest) {
  // next-auth splits large JWTs into `…session-token.0`, `.1`, … chunks.
  const hasSession = request.cookies
    .getAll()
    .some(({ name }) => SESSION_COOKIES.some((cookie) => name === cookie || name.startsWith(`${cookie}.`)))
  if (hasSession) return NextResponse.next()
  const signIn = new URL('/signin', request.url)
  signIn.searchParams.set('callbackUrl', request.nextUrl.pathname + request.nextUrl.search)
  return NextResponse.redirect(signIn)
}

export const config = {
  matcher: ['/', '/d/:path*', '/s/:path*'],
}
