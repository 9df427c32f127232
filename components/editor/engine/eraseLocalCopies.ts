import { clearDocument } from 'y-indexeddb'
import { browserStorage, forgetDeviceUser, LocalCatalog } from './localCatalog'
import { localCopyDbName, localCopyDbPrefix } from './localCopyNames'

/**
 * Removes one user's local copy of a document from this browser: the
 * document was deleted, or the user lost access to it. Its unsent edits go
 * with it (the server would refuse them anyway).
 */
export async function eraseLocalCopy(userId: string, documentId: string): Promise<void> {
  const storage = browserStorage()
  if (storage) new LocalCatalog(storage, userId).remove(documentId)
  if (typeof indexedDB !== 'undefined') await clearDocument(localCopyDbName(userId, documentId))
}

/**
 * Signing out: every local copy of `userId` on this browser, whether or not
 * the catalog knows it (a copy whose catalog entry was lost is found by its
 * database name where the browser can list databases), and who was signed in.
 */
export async function eraseAllLocalCopies(userId: string): Promise<void> {
  const storage = browserStorage()
  const names = new Set<string>()
  if (storage) {
    const catalog = new LocalCatalog(storage, userId)
    for (const record of catalog.list()) names.add(localCopyDbName(userId, record.documentId))
    catalog.clear()
    forgetDeviceUser(storage)
  }
  if (typeof indexedDB === 'undefined') return
  if (typeof indexedDB.databases === 'function') {
    const prefix = localCopyDbPrefix(userId)
    for (const { name } of await indexedDB.databases()) if (name?.startsWith(prefix)) names.add(name)
  }
  await Promise.all([...names].map((name) => clearDocument(name)))
}
