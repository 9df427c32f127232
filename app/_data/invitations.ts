import 'server-only'
import type { Db } from './db'
import type { LiveBus } from './events/bus'
import * as documentEvents from './events/documentEvents'
import { newId, nowIso } from './ids'
import { isHigherRole } from './policy'
import type { MemberRole } from './schema'
import { setMembership } from './sharing'
import { normaliseEmail } from './users'

/**
 * Shares addressed to an email that has no verified account yet. The first
 * time someone proves that address (a verification link, a reset link, a
 * provider's `email_verified`, or sign-up without SMTP), each becomes a
 * membership: whoever merely typed the address at sign-up gets nothing.
 */
export interface PendingInvitation {
  id: string
  email: string
  role: MemberRole
  createdAt: string
}

/** Creates the invitation, or changes the role of the one already there for this address. */
export async function inviteByEmail(db: Db, documentId: string, email: string, role: MemberRole, invitedBy: string): Promise<void> {
  const address = normaliseEmail(email)
  const update = () =>
    db.updateTable('invitations').set({ role, invited_by: invitedBy }).where('document_id', '=', documentId).where('email', '=', address).executeTakeFirst()
  if (Number((await update()).numUpdatedRows) > 0) return
  try {
    await db
      .insertInto('invitations')
      .values({ id: newId(), document_id: documentId, email: address, role, invited_by: invitedBy, created_at: nowIso() })
      .execute()
  } catch (error) {
    // The same address invited twice at once: the unique constraint keeps one; give it this role.
    if (Number((await update()).numUpdatedRows) === 0) throw error
  }
}

export async function listInvitations(db: Db, documentId: string): Promise<PendingInvitation[]> {
  const rows = await db
    .selectFrom('invitations')
    .select(['id', 'email', 'role', 'created_at'])
    .where('document_id', '=', documentId)
    .orderBy('email')
    .execute()
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, createdAt: r.created_at }))
}

/** Returns whether there was such an invitation. */
export async function setInvitationRole(db: Db, documentId: string, invitationId: string, role: MemberRole): Promise<boolean> {
  const result = await db.updateTable('invitations').set({ role }).where('document_id', '=', documentId).where('id', '=', invitationId).executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

/** Returns whether there was such an invitation. */
export async function revokeInvitation(db: Db, documentId: string, invitationId: string): Promise<boolean> {
  const result = await db.deleteFrom('invitations').where('document_id', '=', documentId).where('id', '=', invitationId).executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/**
 * Turns every invitation for the user's (now verified) address into a
 * membership, never lowering a role they have and never touching a document
 * they own. Returns the ids of the documents they were given.
 */
export async function acceptInvitations(db: Db, user: { id: string; email: string }, bus?: LiveBus): Promise<string[]> {
  const pending = await db
    .selectFrom('invitations')
    .innerJoin('documents', 'documents.id', 'invitations.document_id')
    .leftJoin('memberships', (join) => join.onRef('memberships.document_id', '=', 'invitations.document_id').on('memberships.user_id', '=', user.id))
    .select(['invitations.id', 'invitations.document_id', 'invitations.role', 'invitations.invited_by', 'documents.owner_id', 'documents.title', 'memberships.role as member_role'])
    .where('invitations.email', '=', normaliseEmail(user.email))
    .execute()
  const granted: string[] = []
  for (const invitation of pending) {
    const lower = invitation.member_role && !isHigherRole(invitation.role, invitation.member_role)
    if (invitation.owner_id !== user.id && !lower) {
      await setMembership(db, invitation.document_id, user.id, invitation.role)
      granted.push(invitation.document_id)
      // The inviter gave access: the new member hears of it like any share (document.shared).
      await documentEvents.accessChanged(
        { db, bus },
        { documentId: invitation.document_id, title: invitation.title, actorId: invitation.invited_by, userId: user.id, before: invitation.member_role, after: invitation.role },
      )
    }
    await db.deleteFrom('invitations').where('id', '=', invitation.id).execute()
  }
  return granted
}
