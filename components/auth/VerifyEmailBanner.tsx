'use client'

import { useState } from 'react'
import { secondaryButton } from '@/components/ui/buttonStyles'
import { useHydrated } from '@/components/ui/useHydrated'
import type { ActionState } from './actionTypes'

/**
 * "Check your inbox": shown to a signed-in account whose address is not yet
 * verified. Documents shared with the address wait until it is.
 */
export function VerifyEmailBanner({ email, resend }: { email: string; resend: () => Promise<ActionState> }) {
  const [state, setState] = useState<ActionState | null>(null)
  const [pending, setPending] = useState(false)
  const hydrated = useHydrated()

  async function handleResend() {
    setPending(true)
    try {
      setState(await resend())
    } catch {
      setState({ ok: false, error: 'Something went wrong. Please try again.' })
    } finally {
      setPending(false)
    }
  }

  return (
    <section aria-label="Verify your email" className="border-b border-amber-200 bg-amber-50">
      <div className="mx-auto flex max-w-4xl flex-wrap items-center gap-3 px-4 py-3 text-sm text-amber-900">
        <p className="min-w-0 flex-1">
          <strong>Check your inbox.</strong> We sent a link to {email}: open it to verify your address. Documents shared with you appear once you
          have.
        </p>
        <button type="button" className={secondaryButton} onClick={() => void handleResend()} disabled={pending || !hydrated}>
          {pending ? 'Sending…' : 'Resend'}
        </button>
        {state ? (
          <p role={state.ok ? 'status' : 'alert'} className="w-full">
            {state.ok ? state.message : state.error}
          </p>
        ) : null}
      </div>
    </section>
  )
}
