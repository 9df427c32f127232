'use client'

import Link from 'next/link'
import { signOut } from 'next-auth/react'
import { useRef, useState } from 'react'
import { eraseAllLocalCopies } from '@/components/editor/engine/eraseLocalCopies'
import { browserStorage, LocalCatalog, type LocalCopyRecord } from '@/components/editor/engine/localCatalog'
import { dangerButton, secondaryButton } from '@/components/ui/buttonStyles'
import { useHydrated } from '@/components/ui/useHydrated'

/**
 * Sign out, which also deletes this user's local copies from this browser
 * (nobody who uses it next should find them). When some copies hold edits the
 * server has not stored yet, it says which first and offers to wait: opening
 * one of them online sends its edits.
 */
export function SignOutButton({ userId }: { userId: string }) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const [unsaved, setUnsaved] = useState<LocalCopyRecord[]>([])
  const [pending, setPending] = useState(false)
  // Server-rendered, the button shows before its click handler exists: a click then would do nothing.
  const hydrated = useHydrated()

  async function signOutAndErase() {
    setPending(true)
    try {
      await eraseAllLocalCopies(userId)
    } finally {
      await signOut({ callbackUrl: '/signin' })
    }
  }

  function handleClick() {
    const storage = browserStorage()
    const waiting = storage ? new LocalCatalog(storage, userId).list().filter((record) => record.unsavedOnServer) : []
    if (waiting.length === 0) return void signOutAndErase()
    setUnsaved(waiting)
    dialogRef.current?.showModal()
  }

  return (
    <>
      <button type="button" className={secondaryButton} onClick={handleClick} disabled={pending || !hydrated}>
        Sign out
      </button>
      <dialog
        ref={dialogRef}
        role="alertdialog"
        aria-labelledby="sign-out-dialog-title"
        aria-describedby="sign-out-dialog-description"
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 p-0 text-left shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="space-y-4 p-5">
          <h2 id="sign-out-dialog-title" className="text-lg font-semibold">
            Some edits are not on the server yet
          </h2>
          <div id="sign-out-dialog-description" className="space-y-2 text-sm text-slate-600">
            <p>Signing out deletes this browser’s copies of your documents, and with them these unsent edits:</p>
            <ul aria-label="Documents with unsent edits" className="list-disc pl-5">
              {unsaved.map((record) => (
                <li key={record.documentId}>
                  <Link href={`/d/${record.documentId}`} className="font-medium text-blue-700 underline">
                    {record.title.trim() || 'Untitled'}
                  </Link>
                </li>
              ))}
            </ul>
            <p>To keep them, stay signed in and open each one while online until it says “all changes saved”.</p>
          </div>
          <div className="flex flex-wrap justify-end gap-2">
            <button type="button" className={secondaryButton} onClick={() => dialogRef.current?.close()}>
              Stay signed in
            </button>
            <button type="button" className={dangerButton} onClick={() => void signOutAndErase()} disabled={pending}>
              Sign out and delete them
            </button>
          </div>
        </div>
      </dialog>
    </>
  )
}
