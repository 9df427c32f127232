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

/** A link token's shape (what newLinkToken makes, with room to spare); anything else is not looked up. */
export function isShareLinkToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(token)
}

export async function findShareLink(db: Db, token: string): Promise<ShareLinkRow | null> {
  return (await db.selectFrom('share_links').selectAll().where('token', '=', token).executeTakeFirst()) ?? null
}

/** What the page behind a share link shows before anyone joins. */
export interface ShareLinkInvitation {
  documentId: string
  title: string
  ownerName: string
  /** What joining grants. */
  role: MemberRole
  /** What the visitor has already (owner, or a role at least as high as the link's: nothing to join). */
  currentRole: Role | null
}

/**
 * Reads a link without using it: the invitation `/s/<token>` shows on GET.
 * Null for an unknown (or revoked) link.
 */
export async function describeShareLink(db: Db, token: string, userId: string): Promise<ShareLinkInvitation | null> {
  const row = await db
    .selectFrom('share_links')
    .innerJoin('documents', 'documents.id', 'share_links.document_id')
    .innerJoin('users as owner', 'owner.id', 'documents.owner_id')
    .leftJoin('memberships', (join) =>
      join.onRef('memberships.document_id', '=', 'documents.id').on('memberships.user_id', '=', userId),
    )
    .select(['documents.id', 'documents.title', 'documents.owner_id', 'owner.name as owner_name', 'share_links.role', 'memberships.role as member_role'])
    .where('share_links.token', '=', token)
    .executeTakeFirst()
  if (!row) return null
  const currentRole: Role | null = row.owner_id === userId ? 'owner' : (row.member_role ?? null)
  return { documentId: row.id, title: row.title, ownerName: row.owner_name, role: row.role, currentRole }
}

/** True when joining through a link with `linkRole` would give someone with `currentRole` more than they have. */
export function joiningGrantsMore(linkRole: MemberRole, currentRole: Role | null): boolean {
  return !currentRole || isHigherRole(linkRole, currentRole)
}

/**
 * Grants the link's role to a signed-in user: only ever from the Join
 * button's server action (a POST), never on a page view, so a link followed
 * cross-site cannot add anyone to a document. Never lowers anyone: an editor
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
