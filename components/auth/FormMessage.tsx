import { ErrorAlert } from '@/components/ui/ErrorAlert'
import type { ActionState } from './actionTypes'

/** The outcome line under an account form: an alert for a failure, a polite status otherwise. */
export function FormMessage({ state }: { state: ActionState | null }) {
  if (!state) return null
  return state.ok ? (
    <p role="status" className="rounded-md bg-green-50 px-3 py-2 text-sm text-green-800">
      {state.message}
    </p>
  ) : (
    <ErrorAlert message={state.error} />
  )
}
