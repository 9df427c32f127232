import 'server-only'
import type { Db } from './db'
import { deleteDocumentRecord } from './documents'
import type { Result } from './operations'
import type { SyncAdmin } from './syncAdmin'

export interface OwnedDocument {
  id: string
  title: string
}

/** What deleting the account deletes with it: the documents it owns (the warning lists them). */
export async function listOwnedDocuments(db: Db, userId: string): Promise<OwnedDocument[]> {
  return db.selectFrom('documents').select(['id', 'title']).where('owner_id', '=', userId).orderBy('title').orderBy('id').execute()
}

/**
 * Deletes the account: first each document it owns, content on the sync
 * server before the metadata (as deleting one document does), then the user
 * with their memberships, links, tokens and invitations. A sync server that
 * cannot be reached stops it before the account goes, so nothing is left
 * that no one can delete; trying again picks up where it stopped.
 */
export async function deleteAccount(db: Db, sync: SyncAdmin, userId: string): Promise<Result> {
  for (const document of await listOwnedDocuments(db, userId)) {
    try {
      await sync.deleteDocument(document.id, userId)
    } catch (error) {
      return { ok: false, error: `“${document.title}” could not be deleted, so your account was kept: ${(error as Error).message} Try again.` }
    }
    await deleteDocumentRecord(db, document.id)
  }
  await db.transaction().execute(async (trx) => {
    // Explicit as well as ON DELETE CASCADE, for a connection without foreign keys enforced.
    await trx.deleteFrom('memberships').where('user_id', '=', userId).execute()
    await trx.deleteFrom('invitations').where('invited_by', '=', userId).execute()
    await trx.deleteFrom('share_links').where('created_by', '=', userId).execute()
    await trx.deleteFrom('email_tokens').where('user_id', '=', userId).execute()
    await trx.deleteFrom('oauth_accounts').where('user_id', '=', userId).execute()
    await trx.deleteFrom('users').where('id', '=', userId).execute()
  })
  return { ok: true, value: undefined }
}
