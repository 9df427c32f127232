import type { Metadata } from 'next'
import { getConfig } from '@/app/_data/config'
import { getDb } from '@/app/_data/db'
import { getDocumentWithRole } from '@/app/_data/documents'
import { lastEventId } from '@/app/_data/events/store'
import { Action, can, tokenAccessForRole } from '@/app/_data/policy'
import { requireUser } from '@/app/_data/session'
import { deleteDocumentAction, markEditedAction, renameDocumentAction } from '@/app/actions/documents'
import { listVersionsAction, nameVersionAction, restoreVersionAction, versionStateAction } from '@/app/actions/history'
import {
  changeInvitationRoleAction,
  changeRoleAction,
  createLinkAction,
  getShareStateAction,
  inviteAction,
  removeMemberAction,
  revokeInvitationAction,
  revokeLinkAction,
} from '@/app/actions/sharing'
import { NoAccess } from '@/components/NoAccess'
import { ForgetLocalCopy } from '@/components/documents/LocalCopyHousekeeping'
import { DocumentWorkspace } from '@/components/editor/ui/DocumentWorkspace'
import { colorForUser } from '@/components/editor/engine/userColor'
import { isValidDocId } from '@/lib/docId'

type Props = { params: Promise<{ id: string }> }

const historyActions = {
  listVersions: listVersionsAction,
  versionState: versionStateAction,
  nameVersion: nameVersionAction,
  restoreVersion: restoreVersionAction,
}

export const metadata: Metadata = { title: 'Tandem' }

const documentActions = { rename: renameDocumentAction, markEdited: markEditedAction, deleteDocument: deleteDocumentAction }
const sharingActions = {
  getShareState: getShareStateAction,
  invite: inviteAction,
  changeRole: changeRoleAction,
  removeMember: removeMemberAction,
  createLink: createLinkAction,
  revokeLink: revokeLinkAction,
  changeInvitationRole: changeInvitationRoleAction,
  revokeInvitation: revokeInvitationAction,
}

/**
 * `/d/<id>`: the editor. The shell (title, role, people, status) is rendered
 * here; the content arrives over the sync server's WebSocket in the browser.
 */
export default async function EditorPage({ params }: Props) {
  const { id } = await params
  const user = await requireUser(`/d/${id}`)
  const found = isValidDocId(id) ? await getDocumentWithRole(await getDb(), id, user.id) : null
  if (!found) {
    return (
      <>
        {isValidDocId(id) ? <ForgetLocalCopy userId={user.id} documentId={id} /> : null}
        {user.emailVerified ? (
          <NoAccess userId={user.id} email={user.email} />
        ) : (
          <NoAccess userId={user.id} email={user.email} heading="Verify your email first">
            <p className="text-slate-600">Documents shared with {user.email} open once you verify the address: use the link we emailed you.</p>
          </NoAccess>
        )}
      </>
    )
  }
  const config = getConfig()
  // The event id first: a comment made while the page renders is replayed to its panel, never missed.
  const after = await lastEventId(await getDb(), user.id)
  return (
    <DocumentWorkspace
      documentId={id}
      initialTitle={found.document.title}
      role={found.role}
      access={tokenAccessForRole(found.role)}
      user={{ id: user.id, name: user.name, color: colorForUser(user.id) }}
      sync={{ url: config.syncUrl, port: config.syncPort }}
      actions={documentActions}
      sharingActions={found.role === 'owner' ? sharingActions : null}
      historyActions={can(found.role, Action.Write) ? historyActions : null}
      comments={{ after }}
    />
  )
}
