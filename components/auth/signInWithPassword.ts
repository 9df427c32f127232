import { getCsrfToken, getSession } from 'next-auth/react'
import { parseRetryAfter } from './tooManyAttempts'

export type SignInOutcome =
  | { kind: 'ok' }
  | { kind: 'wrong-credentials' }
  /** HTTP 429 from the sign-in throttle; `retryAfterSeconds` from its `Retry-After`. */
  | { kind: 'throttled'; retryAfterSeconds: number }
  | { kind: 'failed' }

/**
 * Password sign-in against next-auth's credentials callback. It posts the form
 * itself rather than through next-auth's `signIn()`, which hides the HTTP
 * status and headers: the throttle answers 429 with `Retry-After`, and the
 * form says how long to wait. Still handled: a CSRF mismatch comes back as a
 * URL containing `csrf=true`.
 */
export async function signInWithPassword(email: string, password: string): Promise<SignInOutcome> {
  try {
    const csrfToken = await getCsrfToken()
    if (!csrfToken) return { kind: 'failed' }
    const response = await fetch('/api/auth/callback/credentials', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, password, csrfToken, json: 'true' }),
    })
    if (response.status === 429) return { kind: 'throttled', retryAfterSeconds: parseRetryAfter(response.headers.get('retry-after')) }
    const body = (await response.json().catch(() => null)) as { url?: unknown } | null
    const url = typeof body?.url === 'string' ? new URL(body.url, window.location.href) : null
    const error = url?.searchParams.get('error')
    if (response.status === 401 && error === 'CredentialsSignin') return { kind: 'wrong-credentials' }
    if (!response.ok || !url || error || url.searchParams.has('csrf')) return { kind: 'failed' }
    // Tells other tabs' session hooks (and this one's) that we are signed in now.
    await getSession()
    return { kind: 'ok' }
  } catch {
    return { kind: 'failed' }
  }
}
