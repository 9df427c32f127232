import type { Metadata } from 'next'
import { redirect } from 'next/navigation'
import { connection } from 'next/server'
import { getConfig } from '@/app/_data/config'
import { getCurrentUser } from '@/app/_data/session'
import { AuthCard } from '@/components/auth/AuthCard'
import { safeCallbackUrl } from '@/components/auth/safeCallbackUrl'
import { SignInForm } from '@/components/auth/SignInForm'

export const metadata: Metadata = { title: 'Sign in · Tandem' }

/** next-auth error codes that can land here (?error=…), in words. */
const ERROR_MESSAGES: Record<string, string> = {
  CredentialsSignin: 'Wrong email or password.',
  OAuthAccountNotLinked: 'An account with that email already exists. Sign in with your password.',
  SessionRequired: 'Please sign in to continue.',
  TooManyAttempts: 'Too many attempts. Wait a few minutes, then try again.',
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Rendered per request: the OAuth buttons depend on run-time environment variables.
  await connection()
  const params = await searchParams
  const callbackUrl = safeCallbackUrl(params.callbackUrl)
  if (await getCurrentUser()) redirect(callbackUrl)
  const errorCode = typeof params.error === 'string' ? params.error : undefined
  const initialError = errorCode ? (ERROR_MESSAGES[errorCode] ?? 'Sign-in failed. Please try again.') : undefined
  const oauth = getConfig().oauthProviders.map(({ id, label }) => ({ id, label }))
  return (
    <AuthCard title="Sign in">
      <SignInForm callbackUrl={callbackUrl} oauth={oauth} initialError={initialError} />
    </AuthCard>
  )
}
