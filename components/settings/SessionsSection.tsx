'use client'

import { signOut } from 'next-auth/react'
import type { ActionState } from '@/components/auth/actionTypes'
import { FormMessage } from '@/components/auth/FormMessage'
import { secondaryButton } from '@/components/ui/buttonStyles'
import { useAction } from './useAction'

/** The sign-in methods linked to the account, and "Sign out everywhere". */
export function SessionsSection({
  methods,
  signOutEverywhere,
}: {
  methods: string[]
  signOutEverywhere: () => Promise<ActionState>
}) {
  const { state, pending, run } = useAction()
  async function handleClick() {
    const result = await run(signOutEverywhere)
    // This session ended with the others; clear its cookie too.
    if (result.ok) await signOut({ callbackUrl: '/signin' })
  }
  return (
    <section aria-labelledby="settings-sessions" className="space-y-3">
      <h2 id="settings-sessions" className="text-lg font-semibold">
        Sign-in methods and sessions
      </h2>
      <ul aria-label="Sign-in methods" className="list-inside list-disc text-sm text-slate-700">
        {methods.map((method) => (
          <li key={method}>{method}</li>
        ))}
      </ul>
      <p className="text-sm text-slate-600">Signed in on a computer you no longer use? End every session of your account, this one too.</p>
      <FormMessage state={state} />
      <button type="button" className={secondaryButton} onClick={() => void handleClick()} disabled={pending}>
        Sign out everywhere
      </button>
    </section>
  )
}
