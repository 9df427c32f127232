import 'server-only'
import { decode, encode } from 'next-auth/jwt'
import { cookies } from 'next/headers'
import { getConfig } from '@/app/_data/config'

/** next-auth's session cookie names: `__Secure-` on https (NEXTAUTH_URL or the request says so). */
const SESSION_COOKIES = ['__Secure-next-auth.session-token', 'next-auth.session-token']
/** As app/_data/auth.ts: a week. */
const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60

/**
 * After a password change, which ends every session of the account, keeps
 * the one that made it: re-issues its cookie carrying the new session version.
 * From a server action only (cookies can be set there). Returns false when
 * there was no readable session cookie (the person is then simply signed out).
 */
export async function keepThisSession(sessionVersion: number): Promise<boolean> {
  const jar = await cookies()
  const secret = getConfig().authSecret
  for (const name of SESSION_COOKIES) {
    const value = jar.get(name)?.value
    if (!value) continue
    const token = await decode({ token: value, secret })
    if (!token?.sub) return false
    const renewed = await encode({ token: { ...token, sv: sessionVersion }, secret, maxAge: SESSION_MAX_AGE_SECONDS })
    jar.set(name, renewed, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: name.startsWith('__Secure-'),
      maxAge: SESSION_MAX_AGE_SECONDS,
    })
    return true
  }
  return false
}
