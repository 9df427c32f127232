'use client'

import Link from 'next/link'
import { signIn, useSession } from 'next-auth/react'
import { useState } from 'react'
import { Field } from '@/components/ui/Field'
import { primaryButton, secondaryButton } from '@/components/ui/buttonStyles'
import { safeCallbackUrl } from './safeCallbackUrl'
import { signInWithPassword, type SignInOutcome } from './signInWithPassword'
import { tooManyAttemptsMessage } from './tooManyAttempts'
import { ErrorAlert } from '@/components/ui/ErrorAlert'

/** The sentence for a failed sign-in; shared with the sign-up form. */
export function signInFailureMessage(outcome: Exclude<SignInOutcome, { kind: 'ok' }>): string {
  switch (outcome.kind) {
    case 'wrong-credentials':
      return 'Wrong email or password.'
    case 'throttled':
      return tooManyAttemptsMessage(outcome.retryAfterSeconds)
    case 'failed':
      return 'Sign-in failed. Please try again.'
  }
}

export interface OAuthButton {
  id: string
  label: string
}

/** Email + password sign-in, plus a button per configured OAuth provider. */
export function SignInForm({ callbackUrl, oauth, initialError }: { callbackUrl: string; oauth: OAuthButton[]; initialError?: string }) {
  // The session request sets the CSRF cookie; posting before it lands can be rejected (next-auth v4 sets it on the first /api/auth/session answer).
  const { status } = useSession()
  const [error, setError] = useState(initialError ?? '')
  const [pending, setPending] = useState(false)

  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    setPending(true)
    setError('')
    const outcome = await signInWithPassword(String(form.get('email')), String(form.get('password')))
    if (outcome.kind === 'ok') {
      // Checked again here, not only by the page: this is where the browser goes.
      window.location.assign(safeCallbackUrl(callbackUrl))
      return
    }
    setPending(false)
    setError(signInFailureMessage(outcome))
  }

  return (
    <div className="space-y-6">
      <form onSubmit={handleSubmit} className="space-y-4" noValidate>
        <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required />
        <p className="-mt-2 text-right text-sm">
          <Link className="text-blue-700 underline" href="/forgot-password">
            Forgot password?
          </Link>
        </p>
        <ErrorAlert message={error} />
        <button type="submit" className={`${primaryButton} w-full`} disabled={pending || status === 'loading'}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      {oauth.length > 0 ? (
        <div className="space-y-2">
          <p className="text-center text-sm text-slate-500">or</p>
          {oauth.map((provider) => (
            <button
              key={provider.id}
              type="button"
              className={`${secondaryButton} w-full`}
              onClick={() => signIn(provider.id, { callbackUrl })}
            >
              Continue with {provider.label}
            </button>
          ))}
        </div>
      ) : null}
      <p className="text-center text-sm text-slate-600">
        New to Tandem?{' '}
        <Link className="font-medium text-blue-700 underline" href={`/signup?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Create an account
        </Link>
      </p>
    </div>
  )
}
