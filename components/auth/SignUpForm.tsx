'use client'

import Link from 'next/link'
import { useSession } from 'next-auth/react'
import { useState } from 'react'
import { Field } from '@/components/ui/Field'
import { primaryButton } from '@/components/ui/buttonStyles'
import { safeCallbackUrl } from './safeCallbackUrl'
import { signInFailureMessage } from './SignInForm'
import { signInWithPassword } from './signInWithPassword'
import { ErrorAlert } from '@/components/ui/ErrorAlert'

type Errors = Partial<Record<'name' | 'email' | 'password' | 'form', string>>

/** The sign-up server action; `errors.form` is for the form as a whole (e.g. too many accounts from one address). */
export type SignUp = (input: { name: string; email: string; password: string }) => Promise<{ ok: true } | { ok: false; errors: Errors }>

/** Creates the account, then signs in with it and goes on to `callbackUrl`. */
export function SignUpForm({ callbackUrl, signUp, email }: { callbackUrl: string; signUp: SignUp; email?: string }) {
  const { status } = useSession()
  const [errors, setErrors] = useState<Errors>({})
  const [pending, setPending] = useState(false)

  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const input = { name: String(form.get('name')), email: String(form.get('email')), password: String(form.get('password')) }
    setPending(true)
    setErrors({})
    const failed = (next: Errors) => {
      setErrors(next)
      setPending(false)
    }
    try {
      const result = await signUp(input)
      if (!result.ok) return failed(result.errors)
      const outcome = await signInWithPassword(input.email, input.password)
      if (outcome.kind !== 'ok') return failed({ form: `Your account was created, but signing in failed: ${signInFailureMessage(outcome)}` })
      // Stays "Creating account…" while the next page loads.
      window.location.assign(safeCallbackUrl(callbackUrl))
    } catch {
      failed({ form: 'Something went wrong. Please try again.' })
    }
  }

  return (
    <div className="space-y-6">
      <form onSubmit={handleSubmit} className="space-y-4" noValidate>
        <Field label="Name" name="name" autoComplete="name" required autoFocus error={errors.name} />
        <Field label="Email" name="email" type="email" autoComplete="email" required defaultValue={email} error={errors.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          error={errors.password}
        />
        <p className="text-xs text-slate-500">At least 8 characters.</p>
        <ErrorAlert message={errors.form} />
        <button type="submit" className={`${primaryButton} w-full`} disabled={pending || status === 'loading'}>
          {pending ? 'Creating account…' : 'Create account'}
        </button>
      </form>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{' '}
        <Link className="font-medium text-blue-700 underline" href={`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`}>
          Sign in
        </Link>
      </p>
    </div>
  )
}
