'use client'

import { useRouter } from 'next/navigation'
import { useRef, useState } from 'react'
import { dangerButton, secondaryButton } from '@/components/ui/buttonStyles'
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
      <dialog
        ref={dialogRef}
        role="alertdialog"
        aria-labelledby="delete-dialog-title"
        aria-describedby="delete-dialog-description"
        onClose={() => setError('')}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-4 p-5">
          <h2 id="delete-dialog-title" className="text-lg font-semibold">
            Delete “{title.trim() || 'Untitled'}”?
          </h2>
          <p id="delete-dialog-description" className="text-sm text-slate-600">
            It will be removed for everyone who has access, with all its content. This can’t be undone.
          </p>
          {error ? (
            <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
              {error}
            </p>
          ) : null}
          <div className="flex justify-end gap-2">
            <button type="button" className={secondaryButton} onClick={() => dialogRef.current?.close()} autoFocus>
              Cancel
            </button>
            {/* Not named "Delete…": the page's own "Delete" button must stay the only match for that name. */}
            <button type="button" className={`${dangerButton} bg-red-700 text-white hover:bg-red-800`} onClick={handleConfirm} disabled={pending}>
              {pending ? 'Deleting…' : 'Confirm deletion'}
            </button>
          </div>
        </div>
      </dialog>
    </>
  )
}
