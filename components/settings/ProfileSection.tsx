'use client'

import { useRouter } from 'next/navigation'
import type { ActionState } from '@/components/auth/actionTypes'
import { FormMessage } from '@/components/auth/FormMessage'
import { Field } from '@/components/ui/Field'
import { primaryButton } from '@/components/ui/buttonStyles'
import { useAction } from './useAction'

/** Display name: what carets and people lists show to others (from their next connection). */
export function ProfileSection({ name, changeName }: { name: string; changeName: (name: string) => Promise<ActionState> }) {
  const router = useRouter()
  const { state, pending, run } = useAction()
  async function handleSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const value = String(new FormData(event.currentTarget).get('name') ?? '')
    const result = await run(() => changeName(value))
    if (result.ok) router.refresh()
  }
  return (
    <section aria-labelledby="settings-profile" className="space-y-3">
      <h2 id="settings-profile" className="text-lg font-semibold">
        Display name
      </h2>
      <form onSubmit={handleSubmit} className="space-y-3" noValidate>
        <Field label="Name" name="name" autoComplete="name" defaultValue={name} required maxLength={80} />
        <FormMessage state={state} />
        <button type="submit" className={primaryButton} disabled={pending}>
          Save name
        </button>
      </form>
    </section>
  )
}
