import 'server-only'
import { countOpenThreads } from './comments'
import type { Db } from './db'
import { newId, nowIso } from './ids'
import type { Role } from './policy'
import type { DocumentListEntry } from '@/lib/liveEvents'
import type { DocumentRow } from './schema'

export const DEFAULT_TITLE = 'Untitled'
export const MAX_TITLE_LENGTH = 200

/** A document as the home page lists it: the shape `GET /api/documents` and the live list share. */
export type DocumentSummary = DocumentListEntry

export interface DocumentWithRole {
  document: DocumentRow
  ownerName: string
  role: Role
}

/** Trims, collapses whitespace and bounds a title; an empty one becomes "Untitled". */
export function cleanTitle(title: string): string {
  const cleaned = title.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_LENGTH)
  return cleaned || DEFAULT_TITLE
}

export async function createDocument(db: Db, ownerId: string, title = DEFAULT_TITLE): Promise<DocumentRow> {
  const now = nowIso()
  const row: DocumentRow = { id: newId(), title: cleanTitle(title), owner_id: ownerId, created_at: now, updated_at: now }
  await db.insertInto('documents').values(row).execute()
  return row
}

export async function findDocument(db: Db, documentId: string): Promise<DocumentRow | null> {
  return (await db.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst()) ?? null
}

/** The user's role in a document: owner, a member's role, or null for no access (or no such document). */
export async function getRole(db: Db, documentId: string, userId: string): Promise<Role | null> {
  const found = await getDocumentWithRole(db, documentId, userId)
  return found?.role ?? null
}

/** The document, its owner's name and the user's role; null when the user has no access or it doesn't exist. */
export async function getDocumentWithRole(db: Db, documentId: string, userId: string): Promise<DocumentWithRole | null> {
  const row = await db
    .selectFrom('documents')
    .innerJoin('users as owner', 'owner.id', 'documents.owner_id')
    .leftJoin('memberships', (join) =>
      join.onRef('memberships.document_id', '=', 'documents.id').on('memberships.user_id', '=', userId),
    )
    .selectAll('documents')
    .select(['owner.name as owner_name', 'memberships.role as member_role'])
    .where('documents.id', '=', documentId)
    .executeTakeFirst()
  if (!row) return null
  const role: Role | null = row.owner_id === userId ? 'owner' : (row.member_role ?? null)
  if (!role) return null
  const { owner_name, member_role: _memberRole, ...document } = row
  return { document, ownerName: owner_name, role }
}

/** Documents the user owns or was given, most recently edited first. */
export async function listDocumentsForUser(db: Db, userId: string): Promise<DocumentSummary[]> {
  const rows = await db
    .selectFrom('documents')
    .innerJoin('users as owner', 'owner.id', 'documents.owner_id')
    .leftJoin('memberships', (join) =>
      join.onRef('memberships.document_id', '=', 'documents.id').on('memberships.user_id', '=', userId),
    )
    .select([
      'documents.id',
      'documents.title',
      'documents.owner_id',
      'documents.updated_at',
      'owner.name as owner_name',
      'memberships.role as member_role',
    ])
    .where((eb) => eb.or([eb('documents.owner_id', '=', userId), eb('memberships.user_id', '=', userId)]))
    .orderBy('documents.updated_at', 'desc')
    .orderBy('documents.id')
    .execute()
  const openThreads = await countOpenThreads(db, rows.map((row) => row.id))
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    ownerId: row.owner_id,
    ownerName: row.owner_name,
    role: row.owner_id === userId ? 'owner' : (row.member_role ?? 'viewer'),
    updatedAt: row.updated_at,
    openThreads: openThreads.get(row.id) ?? 0,
  }))
}

export async function renameDocument(db: Db, documentId: string, title: string): Promise<string> {
  const cleaned = cleanTitle(title)
  await db.updateTable('documents').set({ title: cleaned, updated_at: nowIso() }).where('id', '=', documentId).execute()
  return cleaned
}

/** Marks the document as just edited (the home page's "last edited"). */
export async function touchDocument(db: Db, documentId: string): Promise<void> {
  await db.updateTable('documents').set({ updated_at: nowIso() }).where('id', '=', documentId).execute()
}

/** Removes the metadata; memberships and share links go with it (ON DELETE CASCADE). */
export async function deleteDocumentRecord(db: Db, documentId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // Explicit deletes as well as the cascade: a PostgreSQL or SQLite connection
    // without foreign keys enforced must not leave orphans either.
    await trx.deleteFrom('share_links').where('document_id', '=', documentId).execute()
    await trx.deleteFrom('memberships').where('document_id', '=', documentId).execute()
    await trx.deleteFrom('documents').where('id', '=', documentId).execute()
  })
}
