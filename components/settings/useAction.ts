'use client'

import { useState } from 'react'
import type { ActionState } from '@/components/auth/actionTypes'
import { useHydrated } from '@/components/ui/useHydrated'

/** Runs one account action at a time and keeps its outcome for the form's message line. */
export function useAction() {
  const [state, setState] = useState<ActionState | null>(null)
  const [pending, setPending] = useState(false)
  // Busy until hydrated too: see useHydrated.
  const hydrated = useHydrated()
  async function run(action: () => Promise<ActionState>): Promise<ActionState> {
    setPending(true)
    try {
      const result = await action()
      setState(result)
      return result
    } catch {
      const failed: ActionState = { ok: false, error: 'Something went wrong. Please try again.' }
      setState(failed)
      return failed
    } finally {
      setPending(false)
    }
  }
  return { state, pending: pending || !hydrated, run }
}
