'use client'

import Link from 'next/link'
import { useState } from 'react'
import { Field } from '@/components/ui/Field'
import { primaryButton } from '@/components/ui/buttonStyles'
import { useHydrated } from '@/components/ui/useHydrated'
import type { ActionState } from './actionTypes'
import { FormMessage } from './FormMessage'

/** "Forgot password?": asks for the address; the answer never says whether it has an account. */
export function ForgotPasswordForm({ requestReset }: { requestReset: (email: string) => Promise<ActionState> }) {
  const [state, setState] = useState<ActionState | null>(null)
  const [pending, setPending] = useState(false)
  const hydrated = useHydrated()

  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const email = String(new FormData(event.currentTarget).get('email') ?? '')
    setPending(true)
    try {
      setState(await requestReset(email))
    } catch {
      setState({ ok: false, error: 'Something went wrong. Please try again.' })
    } finally {
      setPending(false)
    }
  }

  return (
    <div className="space-y-6">
      <form onSubmit={handleSubmit} className="space-y-4" noValidate>
        <p className="text-sm text-slate-600">Enter the email you signed up with; we will send you a link to choose a new password.</p>
        <Field label="Email" name="email" type="email" autoComplete="email" required autoFocus />
        <FormMessage state={state} />
        <button type="submit" className={`${primaryButton} w-full`} disabled={pending || !hydrated}>
          {pending ? 'Sending…' : 'Send reset link'}
        </button>
      </form>
      <p className="text-center text-sm text-slate-600">
        <Link className="font-medium text-blue-700 underline" href="/signin">
          Back to sign in
        </Link>
      </p>
    </div>
  )
}
