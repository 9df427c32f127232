'use client'

import { signOut } from 'next-auth/react'
import type { ActionState } from '@/components/auth/actionTypes'
import { FormMessage } from '@/components/auth/FormMessage'
import { Field } from '@/components/ui/Field'
import { dangerButton, secondaryButton } from '@/components/ui/buttonStyles'
import { useAction } from './useAction'

/**
 * Delete account: warns with the documents that go with it, then asks for
 * the password (or, without one, a recent sign-in).
 */
export function DeleteAccountSection({
  ownedTitles,
  hasPassword,
  deleteAccount,
}: {
  ownedTitles: string[]
  hasPassword: boolean
  deleteAccount: (password: string) => Promise<ActionState>
}) {
  const { state, pending, run } = useAction()
  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const password = String(new FormData(event.currentTarget).get('password') ?? '')
    const result = await run(() => deleteAccount(password))
    if (result.ok) await signOut({ callbackUrl: '/signin' })
  }
  return (
    <section aria-labelledby="settings-delete" className="space-y-3 rounded-lg border border-red-200 p-4">
      <h2 id="settings-delete" className="text-lg font-semibold text-red-800">
        Delete account
      </h2>
      {ownedTitles.length > 0 ? (
        <div className="space-y-1 text-sm">
          <p>These documents you own will be deleted for everyone they are shared with:</p>
          <ul aria-label="Documents that will be deleted" className="list-inside list-disc">
            {ownedTitles.map((title, index) => (
              <li key={index}>{title}</li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="text-sm">You own no documents. Documents others shared with you stay theirs.</p>
      )}
      <form onSubmit={handleSubmit} className="space-y-3" noValidate>
        {hasPassword ? (
          <Field label="Password to confirm" name="password" type="password" autoComplete="current-password" required />
        ) : (
          <p className="text-sm text-slate-600">
            Without a password, deleting asks for a sign-in in the last ten minutes.{' '}
            <button type="button" className={secondaryButton} onClick={() => void signOut({ callbackUrl: '/signin?callbackUrl=%2Fsettings' })}>
              Sign in again
            </button>
          </p>
        )}
        <FormMessage state={state} />
        <button type="submit" className={dangerButton} disabled={pending}>
          Delete my account
        </button>
      </form>
    </section>
  )
}
