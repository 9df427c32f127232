'use client'

import { useFormStatus } from 'react-dom'
import { primaryButton } from '@/components/ui/buttonStyles'

/** The share page's Join button; shows that it is working while the action runs. */
export function JoinButton() {
  const { pending } = useFormStatus()
  return (
    <button type="submit" className={primaryButton} disabled={pending} aria-busy={pending}>
      {pending ? 'Joining…' : 'Join'}
    </button>
  )
}
