'use client'

import Link from 'next/link'
import { useState } from 'react'
import { Field } from '@/components/ui/Field'
import { primaryButton } from '@/components/ui/buttonStyles'
import { useHydrated } from '@/components/ui/useHydrated'
import type { ActionState } from './actionTypes'
import { FormMessage } from './FormMessage'

/** The page behind a reset link: a new password, twice. */
export function ResetPasswordForm({ token, reset }: { token: string; reset: (token: string, password: string) => Promise<ActionState> }) {
  const [state, setState] = useState<ActionState | null>(null)
  const [pending, setPending] = useState(false)
  const hydrated = useHydrated()

  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    const password = String(form.get('password') ?? '')
    if (password !== String(form.get('confirm') ?? '')) {
      setState({ ok: false, error: 'The two passwords are not the same.' })
      return
    }
    setPending(true)
    try {
      setState(await reset(token, password))
    } catch {
      setState({ ok: false, error: 'Something went wrong. Please try again.' })
    } finally {
      setPending(false)
    }
  }

  if (state?.ok) {
    return (
      <div className="space-y-4">
        <FormMessage state={state} />
        <Link className={`${primaryButton} w-full`} href="/signin">
          Sign in
        </Link>
      </div>
    )
  }
  return (
    <form onSubmit={handleSubmit} className="space-y-4" noValidate>
      <Field label="New password" name="password" type="password" autoComplete="new-password" required minLength={8} autoFocus />
      <Field label="New password again" name="confirm" type="password" autoComplete="new-password" required minLength={8} />
      <p className="text-xs text-slate-500">At least 8 characters. Every other session of your account will be signed out.</p>
      <FormMessage state={state} />
      <button type="submit" className={`${primaryButton} w-full`} disabled={pending || !hydrated}>
        {pending ? 'Saving…' : 'Set new password'}
      </button>
    </form>
  )
}
