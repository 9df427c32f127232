import { signIn } from 'next-auth/react'

/**
 * next-auth's credentials sign-in, with its two traps handled: `ok` is only
 * the HTTP status (a wrong password is `ok: true` with `error` set), and a
 * CSRF mismatch comes back as a URL containing `csrf=true`.
 */
export async function signInWithPassword(email: string, password: string): Promise<'ok' | 'wrong-credentials' | 'failed'> {
  const result = await signIn('credentials', { email, password, redirect: false })
  if (!result) return 'failed'
  if (result.error === 'CredentialsSignin') return 'wrong-credentials'
  if (result.error || !result.ok || result.url?.includes('csrf=true')) return 'failed'
  return 'ok'
}
