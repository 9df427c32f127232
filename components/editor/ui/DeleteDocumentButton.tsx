'use client'

import { useRouter } from 'next/navigation'
import { useRef, useState } from 'react'
import { dangerButton } from '@/components/ui/buttonStyles'
import { ConfirmDialog } from '@/components/ui/ConfirmDialog'
import type { DocumentActions } from './actions'

/** "Delete" (owner only), then a confirmation; deletes the content on the sync server too. */
export function DeleteDocumentButton({
  documentId,
  title,
  deleteDocument,
}: {
  documentId: string
  title: string
  deleteDocument: DocumentActions['deleteDocument']
}) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const router = useRouter()
  const [error, setError] = useState('')
  const [pending, setPending] = useState(false)

  async function handleConfirm() {
    setPending(true)
    setError('')
    try {
      const result = await deleteDocument(documentId)
      if (result.ok) {
        dialogRef.current?.close()
        router.replace('/')
        router.refresh()
        return
      }
      setError(result.error)
    } catch {
      setError('Something went wrong. Please try again.')
    } finally {
      setPending(false)
    }
  }

  return (
    <>
      <button type="button" className={dangerButton} onClick={() => dialogRef.current?.showModal()} aria-haspopup="dialog">
        Delete
      </button>
      {/* Its button is not named "Delete…": the page's own "Delete" button must stay the only match for that name. */}
      <ConfirmDialog
        dialogRef={dialogRef}
        id="delete-dialog"
        title={`Delete “${title.trim() || 'Untitled'}”?`}
        description="It will be removed for everyone who has access, with all its content. This can’t be undone."
        error={error}
        onClose={() => setError('')}
        onConfirm={handleConfirm}
        pending={pending}
        confirmLabel="Confirm deletion"
        pendingLabel="Deleting…"
        confirmClassName={`${dangerButton} bg-red-700 text-white hover:bg-red-800`}
      />
    </>
  )
}
