import 'server-only'
import { checkSignIn, recordFailedSignIn, recordSuccessfulSignIn, type SignInSubject } from '@/app/_data/authLimits'
import type { Db } from '@/app/_data/db'
import { clientAddress } from './clientAddress'

/**
 * Throttling in front of next-auth's `POST /api/auth/callback/credentials`,
 * which otherwise answers every guess itself: 401 for a wrong password, 200
 * with the session cookie for a right one. A throttled attempt gets 429 and
 * `Retry-After` without next-auth (or the password hash) ever running.
 */
export interface CredentialsThrottle {
  db: Db
  trustProxyHops: number
}

export async function throttleCredentialsSignIn(
  request: Request,
  { db, trustProxyHops }: CredentialsThrottle,
  signIn: () => Promise<Response>,
): Promise<Response> {
  const subject: SignInSubject = { email: await submittedEmail(request), address: clientAddress(request.headers, trustProxyHops) }
  const verdict = await checkSignIn(db, subject)
  if (!verdict.allowed) return tooManyAttempts(request, verdict.retryAfterMs)
  const response = await signIn()
  if (response.status === 401) await recordFailedSignIn(db, subject)
  else if (setsSessionCookie(response)) await recordSuccessfulSignIn(db, subject)
  return response
}

/** The email field as next-auth will read it (a form post, or JSON); the request itself stays unread for next-auth. */
async function submittedEmail(request: Request): Promise<string | null> {
  const type = request.headers.get('content-type') ?? ''
  try {
    if (type.includes('application/x-www-form-urlencoded')) {
      return new URLSearchParams(await request.clone().text()).get('email')?.trim() || null
    }
    if (type.includes('application/json')) {
      const body: unknown = await request.clone().json()
      const email = body && typeof body === 'object' ? (body as { email?: unknown }).email : undefined
      return typeof email === 'string' ? email.trim() || null : null
    }
  } catch {
    // An unreadable body: next-auth will refuse it too; the address limit still counts it.
  }
  return null
}

function setsSessionCookie(response: Response): boolean {
  return response.headers.getSetCookie().some((cookie) => /^(__Secure-)?next-auth\.session-token(\.\d+)?=[^;]/.test(cookie))
}

/**
 * 429 with `Retry-After` in seconds. The body keeps next-auth's JSON shape
 * (`url` with an `error`), so its own client would also report a failure.
 */
function tooManyAttempts(request: Request, retryAfterMs: number): Response {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
  return Response.json(
    { error: 'TooManyAttempts', retryAfterSeconds: seconds, url: '/signin?error=TooManyAttempts' },
    { status: 429, headers: { 'retry-after': String(seconds), 'cache-control': 'no-store' } },
  )
}
