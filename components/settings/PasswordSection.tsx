'use client'

import Link from 'next/link'
import type { ActionState } from '@/components/auth/actionTypes'
import { FormMessage } from '@/components/auth/FormMessage'
import { Field } from '@/components/ui/Field'
import { primaryButton } from '@/components/ui/buttonStyles'
import { useAction } from './useAction'

/** Change password: asks for the current one; every other session ends. */
export function PasswordSection({
  hasPassword,
  changePassword,
}: {
  hasPassword: boolean
  changePassword: (current: string, next: string) => Promise<ActionState>
}) {
  const { state, pending, run } = useAction()
  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const formElement = event.currentTarget
    const form = new FormData(formElement)
    const result = await run(() => changePassword(String(form.get('current') ?? ''), String(form.get('new') ?? '')))
    if (result.ok) formElement.reset()
  }
  return (
    <section aria-labelledby="settings-password" className="space-y-3">
      <h2 id="settings-password" className="text-lg font-semibold">
        Password
      </h2>
      {hasPassword ? (
        <form onSubmit={handleSubmit} className="space-y-3" noValidate>
          <Field label="Current password" name="current" type="password" autoComplete="current-password" required />
          <Field label="New password" name="new" type="password" autoComplete="new-password" required minLength={8} />
          <FormMessage state={state} />
          <button type="submit" className={primaryButton} disabled={pending}>
            Change password
          </button>
        </form>
      ) : (
        <p className="text-sm text-slate-600">
          Your account signs in through a provider and has no password. To add one, use{' '}
          <Link className="text-blue-700 underline" href="/forgot-password">
            Forgot password?
          </Link>{' '}
          with your address.
        </p>
      )}
    </section>
  )
}
