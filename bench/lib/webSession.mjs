/**
 * Session cookies for the web app scenarios, minted with next-auth's own
 * encoder and the web app's AUTH_SECRET instead of signing in through the
 * pages (the web app checks them the same way).
 */
import { randomBytes } from 'node:crypto'
import { encode } from 'next-auth/jwt'

export const SESSION_COOKIE = 'next-auth.session-token'

/** A session token as next-auth would issue at sign-in: the cookie's value. */
export function mintSessionToken(secret, user) {
  return encode({ token: { sub: user.id, name: user.name, email: user.email, sid: randomBytes(8).toString('hex') }, secret })
}

/** The whole `Cookie` header for that session. */
export async function mintSessionCookie(secret, user) {
  return `${SESSION_COOKIE}=${await mintSessionToken(secret, user)}`
}
