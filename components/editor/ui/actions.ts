/**
 * What the editor's components need from the web app's server, as plain
 * function types. The page (app/d/[id]/page.tsx) passes the server actions in
 * as props, so components/ never imports app/: imports flow one way, app →
 * components → lib.
 */
import type { MemberRole, Role } from '@/lib/roles'
import type { VersionInfo } from '@/lib/versions'

export type ActionResult<T = void> = { ok: true; value: T; warning?: string } | { ok: false; error: string }

export type { MemberRole, VersionInfo }

export interface ShareMember {
  userId: string
  name: string
  email: string
  role: Role
}

export interface ShareLinkInfo {
  token: string
  role: MemberRole
  createdAt: string
}

/** An address invited that has no verified account yet. */
export interface ShareInvitation {
  id: string
  email: string
  role: MemberRole
  createdAt: string
}

export interface ShareState {
  members: ShareMember[]
  invitations: ShareInvitation[]
  links: ShareLinkInfo[]
}

export interface DocumentActions {
  rename(documentId: string, title: string): Promise<ActionResult<string>>
  markEdited(documentId: string): Promise<ActionResult>
  deleteDocument(documentId: string): Promise<ActionResult>
}

/** Owner-only: the share dialog's operations, each answering with the new sharing state. */
export interface SharingActions {
  getShareState(documentId: string): Promise<ActionResult<ShareState>>
  invite(documentId: string, email: string, role: string): Promise<ActionResult<ShareState>>
  changeRole(documentId: string, userId: string, role: string): Promise<ActionResult<ShareState>>
  removeMember(documentId: string, userId: string): Promise<ActionResult<ShareState>>
  createLink(documentId: string, role: string): Promise<ActionResult<ShareState>>
  revokeLink(documentId: string, token: string): Promise<ActionResult<ShareState>>
  changeInvitationRole(documentId: string, invitationId: string, role: string): Promise<ActionResult<ShareState>>
  revokeInvitation(documentId: string, invitationId: string): Promise<ActionResult<ShareState>>
}

/** Editors and owners: the version history panel's operations. */
export interface HistoryActions {
  listVersions(documentId: string): Promise<ActionResult<VersionInfo[]>>
  /** One version's whole state, one Yjs update in base64. */
  versionState(documentId: string, versionId: string): Promise<ActionResult<string>>
  nameVersion(documentId: string, label: string): Promise<ActionResult<VersionInfo>>
  restoreVersion(documentId: string, versionId: string): Promise<ActionResult<VersionInfo>>
}
