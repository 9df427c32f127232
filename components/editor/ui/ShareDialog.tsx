'use client'

import { useEffect, useId, useRef, useState } from 'react'
import { primaryButton, secondaryButton } from '@/components/ui/buttonStyles'
import { MEMBER_ROLES, ROLE_LABEL, roleWithArticle } from '@/lib/roles'
import type { ActionResult, MemberRole, SharingActions, ShareState } from './actions'
import { ErrorAlert } from '@/components/ui/ErrorAlert'

const ROLE_NAME: Record<MemberRole, string> = { viewer: ROLE_LABEL.viewer, commenter: ROLE_LABEL.commenter, editor: ROLE_LABEL.editor }
/** What a link lets its holder do, beside the link. */
const LINK_ABILITY: Record<MemberRole, string> = { viewer: 'Can view', commenter: 'Can comment', editor: 'Can edit' }
const CREATE_LINK: Record<MemberRole, string> = { viewer: 'Create view link', commenter: 'Create comment link', editor: 'Create edit link' }

function RoleOptions() {
  return (
    <>
      {MEMBER_ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_NAME[role]}
        </option>
      ))}
    </>
  )
}

/**
 * "Share": invite people by email as viewer or editor (someone without a
 * verified account is listed as "Invited" until they sign up and verify),
 * change or remove their role, and create or revoke links. A native <dialog> opened with
 * showModal(): focus is trapped inside and Escape closes it.
 */
export function ShareButton({ documentId, title, actions }: { documentId: string; title: string; actions: SharingActions }) {
  const dialogRef = useRef<HTMLDialogElement>(null)
  const [open, setOpen] = useState(false)

  function openDialog() {
    setOpen(true)
    dialogRef.current?.showModal()
  }

  return (
    <>
      <button type="button" className={secondaryButton} onClick={openDialog} aria-haspopup="dialog">
        Share
      </button>
      <dialog
        ref={dialogRef}
        role="dialog"
        aria-labelledby="share-dialog-title"
        onClose={() => setOpen(false)}
        className="m-auto w-[min(36rem,calc(100vw-2rem))] rounded-xl border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        {open ? <ShareDialogBody documentId={documentId} title={title} actions={actions} onClose={() => dialogRef.current?.close()} /> : null}
      </dialog>
    </>
  )
}

function ShareDialogBody({
  documentId,
  title,
  actions,
  onClose,
}: {
  documentId: string
  title: string
  actions: SharingActions
  onClose: () => void
}) {
  const [state, setState] = useState<ShareState | null>(null)
  const [error, setError] = useState('')
  const [notice, setNotice] = useState('')
  const [busy, setBusy] = useState(false)
  const emailId = useId()
  const roleId = useId()

  async function run(action: () => Promise<ActionResult<ShareState>>, success?: string) {
    setBusy(true)
    setError('')
    setNotice('')
    try {
      const result = await action()
      if (result.ok) {
        setState(result.value)
        setNotice(result.warning ?? success ?? '')
        return true
      }
      setError(result.error)
      return false
    } catch {
      setError('Something went wrong. Please try again.')
      return false
    } finally {
      setBusy(false)
    }
  }

  useEffect(() => {
    let cancelled = false
    actions
      .getShareState(documentId)
      .then((result) => {
        if (cancelled) return
        if (result.ok) setState(result.value)
        else setError(result.error)
      })
      .catch(() => !cancelled && setError('Could not load who has access. Close and try again.'))
    return () => {
      cancelled = true
    }
  }, [documentId, actions])

  async function handleInvite(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const formElement = event.currentTarget
    const form = new FormData(formElement)
    const email = String(form.get('email') ?? '')
    const role = String(form.get('role') ?? 'viewer') as MemberRole
    // The same words whether or not the address has an account: the dialog does not tell.
    const done = await run(() => actions.invite(documentId, email, role), `Invitation sent to ${email.trim()}.`)
    if (done) formElement.reset()
  }

  const linkFor = (token: string) => `${window.location.origin}/s/${token}`

  return (
    <div className="space-y-5 p-5">
      <div className="flex items-start justify-between gap-4">
        <h2 id="share-dialog-title" className="text-lg font-semibold">
          Share “{title.trim() || 'Untitled'}”
        </h2>
        <button type="button" aria-label="Close" onClick={onClose} className="rounded px-2 text-xl leading-none text-slate-500 hover:bg-slate-100">
          ×
        </button>
      </div>

      <form onSubmit={handleInvite} className="flex flex-wrap items-end gap-2">
        <div className="min-w-48 flex-1 space-y-1">
          <label htmlFor={emailId} className="block text-sm font-medium text-slate-700">
            Email
          </label>
          <input
            id={emailId}
            name="email"
            type="email"
            required
            autoComplete="off"
            placeholder="teammate@example.com"
            className="block h-9 w-full rounded-md border border-slate-300 px-3 text-sm focus:border-blue-600 focus:outline-none"
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={roleId} className="block text-sm font-medium text-slate-700">
            Role
          </label>
          <select id={roleId} name="role" defaultValue="viewer" className="block h-9 rounded-md border border-slate-300 bg-white px-2 text-sm">
            <RoleOptions />
          </select>
        </div>
        <button type="submit" className={`${primaryButton} h-9`} disabled={busy}>
          Invite
        </button>
      </form>

      <ErrorAlert message={error} />
      <p aria-live="polite" className="text-sm text-slate-600 empty:hidden">
        {notice}
      </p>

      <section className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-700">People with access</h3>
        {state ? (
          <ul aria-label="People with access" className="divide-y divide-slate-100 rounded-md border border-slate-200">
            {state.members.map((member) => (
              <li key={member.userId} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-medium">{member.name}</span>
                  <span className="block truncate text-slate-500">{member.email}</span>
                </span>
                {member.role === 'owner' ? (
                  <span className="text-slate-600">Owner</span>
                ) : (
                  <>
                    <select
                      aria-label={`Access for ${member.name}`}
                      value={member.role}
                      disabled={busy}
                      onChange={(event) =>
                        void run(() => actions.changeRole(documentId, member.userId, event.target.value), `${member.name} is now ${roleWithArticle(event.target.value as MemberRole)}.`)
                      }
                      className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                    >
                      <RoleOptions />
                    </select>
                    <button
                      type="button"
                      aria-label={`Remove ${member.name}`}
                      disabled={busy}
                      onClick={() => void run(() => actions.removeMember(documentId, member.userId), `${member.name} no longer has access.`)}
                      className="rounded px-2 py-1 text-red-700 hover:bg-red-50"
                    >
                      Remove
                    </button>
                  </>
                )}
              </li>
            ))}
            {state.invitations.map((invitation) => (
              <li key={invitation.id} className="flex flex-wrap items-center gap-2 px-3 py-2 text-sm">
                <span className="min-w-0 flex-1">
                  <span className="block truncate font-medium">{invitation.email}</span>
                  <span className="block truncate text-slate-500">Invited</span>
                </span>
                <select
                  aria-label={`Access for ${invitation.email}`}
                  value={invitation.role}
                  disabled={busy}
                  onChange={(event) =>
                    void run(
                      () => actions.changeInvitationRole(documentId, invitation.id, event.target.value),
                      `${invitation.email} is invited as ${roleWithArticle(event.target.value as MemberRole)}.`,
                    )
                  }
                  className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
                >
                  <RoleOptions />
                </select>
                <button
                  type="button"
                  aria-label={`Revoke the invitation of ${invitation.email}`}
                  disabled={busy}
                  onClick={() => void run(() => actions.revokeInvitation(documentId, invitation.id), `The invitation of ${invitation.email} was revoked.`)}
                  className="rounded px-2 py-1 text-red-700 hover:bg-red-50"
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-sm text-slate-500">Loading…</p>
        )}
      </section>

      <section className="space-y-2">
        <h3 className="text-sm font-semibold text-slate-700">Links</h3>
        <p className="text-sm text-slate-600">Whoever signs in with a link gets its access. Revoke a link to stop new people joining.</p>
        {state ? (
          <>
            <ul className="space-y-2">
              {state.links.map((link) => (
                <li key={link.token} className="flex flex-wrap items-center gap-2">
                  <span aria-hidden className="w-24 text-sm text-slate-700">
                    {LINK_ABILITY[link.role]}
                  </span>
                  <input
                    readOnly
                    aria-label={`${ROLE_NAME[link.role]} link`}
                    value={linkFor(link.token)}
                    onFocus={(event) => event.currentTarget.select()}
                    className="min-w-0 flex-1 rounded-md border border-slate-300 bg-slate-50 px-2 py-1 font-mono text-xs"
                  />
                  <button
                    type="button"
                    className={secondaryButton}
                    aria-label={`Copy ${ROLE_NAME[link.role].toLowerCase()} link`}
                    onClick={() => void navigator.clipboard?.writeText(linkFor(link.token)).then(() => setNotice('Link copied.'))}
                  >
                    Copy
                  </button>
                  <button
                    type="button"
                    className={secondaryButton}
                    aria-label={`Revoke ${ROLE_NAME[link.role].toLowerCase()} link`}
                    disabled={busy}
                    onClick={() => void run(() => actions.revokeLink(documentId, link.token), 'Link revoked.')}
                  >
                    Revoke
                  </button>
                </li>
              ))}
            </ul>
            <div className="flex flex-wrap gap-2">
              {MEMBER_ROLES
                .filter((role) => !state.links.some((link) => link.role === role))
                .map((role) => (
                  <button
                    key={role}
                    type="button"
                    className={secondaryButton}
                    disabled={busy}
                    onClick={() => void run(() => actions.createLink(documentId, role), 'Link created.')}
                  >
                    {CREATE_LINK[role]}
                  </button>
                ))}
            </div>
          </>
        ) : null}
      </section>
    </div>
  )
}
