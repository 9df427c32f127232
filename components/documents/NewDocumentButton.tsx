'use client'

import { useFormStatus } from 'react-dom'
import { primaryButton } from '@/components/ui/buttonStyles'

function SubmitButton() {
  const { pending } = useFormStatus()
  return (
    <button type="submit" className={primaryButton} disabled={pending} aria-busy={pending}>
      New document
    </button>
  )
}

/** Creates a document and opens it (the action redirects to /d/<id>). */
export function NewDocumentButton({ createDocument }: { createDocument: () => Promise<void> }) {
  return (
    <form action={createDocument}>
      <SubmitButton />
    </form>
  )
}
