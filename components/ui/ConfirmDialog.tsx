'use client'

import type { ReactNode, RefObject } from 'react'
import { secondaryButton } from './buttonStyles'
import { ErrorAlert } from './ErrorAlert'

/**
 * A modal question before something that can't be taken back (deleting a
 * document, restoring a version): a title, what will happen, the failure if
 * the last try failed, Cancel (focused first, so Enter never confirms by
 * accident) and the confirm button. The caller opens it with
 * `ref.current.showModal()` and runs the action in `onConfirm`.
 */
export function ConfirmDialog({
  dialogRef,
  id,
  title,
  description,
  error,
  onClose,
  onConfirm,
  pending,
  confirmLabel,
  pendingLabel,
  confirmClassName,
}: {
  dialogRef: RefObject<HTMLDialogElement | null>
  /** Prefix of the title's and description's element ids. */
  id: string
  title: ReactNode
  description: ReactNode
  error: string
  /** Called when the dialog closes, however it closed (clear the error there). */
  onClose: () => void
  onConfirm: () => void
  pending: boolean
  confirmLabel: string
  pendingLabel: string
  confirmClassName: string
}) {
  return (
    <dialog
      ref={dialogRef}
      role="alertdialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-description`}
      onClose={onClose}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-5">
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        <p id={`${id}-description`} className="text-sm text-slate-600">
          {description}
        </p>
        <ErrorAlert message={error} />
        <div className="flex justify-end gap-2">
          <button type="button" className={secondaryButton} onClick={() => dialogRef.current?.close()} autoFocus>
            Cancel
          </button>
          <button type="button" className={confirmClassName} onClick={onConfirm} disabled={pending}>
            {pending ? pendingLabel : confirmLabel}
          </button>
        </div>
      </div>
    </dialog>
  )
}
