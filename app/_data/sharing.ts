import 'server-only'
import type { Db } from './db'
import { newLinkToken, nowIso } from './ids'
import { isHigherRole, type Role } from './policy'
import type { MemberRole, ShareLinkRow } from './schema'

/** Someone with access to a document, as the share dialog lists them. */
export interface Member {
  userId: string
  name: string
  email: string
  role: Role
}

export interface ShareLink {
  token: string
  role: MemberRole
  createdAt: string
}

/** The owner first, then everyone else by name. */
export async function listMembers(db: Db, documentId: string): Promise<Member[]> {
  const owner = await db
    .selectFrom('documents')
    .innerJoin('users', 'users.id', 'documents.owner_id')
    .select(['users.id', 'users.name', 'users.email'])
    .where('documents.id', '=', documentId)
    .executeTakeFirst()
  if (!owner) return []
  const members = await db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.name', 'users.email', 'memberships.role'])
    .where('memberships.document_id', '=', documentId)
    .orderBy('users.name')
    .orderBy('users.email')
    .execute()
  return [
    { userId: owner.id, name: owner.name, email: owner.email, role: 'owner' },
    ...members.map((m) => ({ userId: m.id, name: m.name, email: m.email, role: m.role })),
  ]
}

/** Gives a user a role in a document, replacing any role they had. */
export async function setMembership(db: Db, documentId: string, userId: string, role: MemberRole): Promise<void> {
  const existing = await db
    .selectFrom('memberships')
    .select('role')
    .where('document_id', '=', documentId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (existing) {
    await db
      .updateTable('memberships')
      .set({ role })
      .where('document_id', '=', documentId)
      .where('user_id', '=', userId)
      .execute()
  } else {
    await db.insertInto('memberships').values({ document_id: documentId, user_id: userId, role, created_at: nowIso() }).execute()
  }
}

/** Returns whether there was a membership to remove. */
export async function removeMembership(db: Db, documentId: string, userId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('memberships')
    .where('document_id', '=', documentId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function createShareLink(db: Db, documentId: string, role: MemberRole, createdBy: string): Promise<ShareLink> {
  const row: ShareLinkRow = { token: newLinkToken(), document_id: documentId, role, created_by: createdBy, created_at: nowIso() }
  await db.insertInto('share_links').values(row).execute()
  return { token: row.token, role: row.role, createdAt: row.created_at }
}

export async function listShareLinks(db: Db, documentId: string): Promise<ShareLink[]> {
  const rows = await db
    .selectFrom('share_links')
    .select(['token', 'role', 'created_at'])
    .where('document_id', '=', documentId)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => ({ token: r.token, role: r.role, createdAt: r.created_at }))
}

/** Revoking stops new people joining through the link; those who already joined keep their role. */
export async function revokeShareLink(db: Db, documentId: string, token: string): Promise<boolean> {
  const result = await db
    .deleteFrom('share_links')
    .where('document_id', '=', documentId)
    .where('token', '=', token)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function findShareLink(db: Db, token: string): Promise<ShareLinkRow | null> {
  return (await db.selectFrom('share_links').selectAll().where('token', '=', token).executeTakeFirst()) ?? null
}

/**
 * Grants the link's role to a signed-in user. Never lowers anyone: an editor
 * opening a view link stays an editor, and the owner stays owner.
 * Returns the document id, or null for an unknown (or revoked) link.
 */
export async function redeemShareLink(db: Db, token: string, userId: string): Promise<{ documentId: string; role: Role } | null> {
  const link = await findShareLink(db, token)
  if (!link) return null
  const document = await db.selectFrom('documents').select('owner_id').where('id', '=', link.document_id).executeTakeFirst()
  if (!document) return null
  if (document.owner_id === userId) return { documentId: link.document_id, role: 'owner' }
  const existing = await db
    .selectFrom('memberships')
    .select('role')
    .where('document_id', '=', link.document_id)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (existing && !isHigherRole(link.role, existing.role)) return { documentId: link.document_id, role: existing.role }
  await setMembership(db, link.document_id, userId, link.role)
  return { documentId: link.document_id, role: link.role }
}
