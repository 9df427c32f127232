import 'server-only'
import { documentFromUpdate, updateFromContent } from './convert/yjsDocument'
import { attachmentDisposition, EXPORT_FORMATS, exportContent, exportFileName, type ExportFormat, type ImportedDocument } from './convert/formats'
import type { Db } from './db'
import { cleanTitle, createDocument, deleteDocumentRecord, getDocumentWithRole } from './documents'
import type { DocumentRow } from './schema'
import type { SyncContent } from './syncContent'

/**
 * Getting documents out and in: the use cases behind the export and import
 * routes. Both go through the stored document on the sync server, never
 * through a browser's copy, so an export works for a document nobody has
 * open and an import is whole before anyone opens it.
 */
export interface ExportedFile {
  body: Uint8Array
  contentType: string
  disposition: string
  fileName: string
}

/** The document in `format`, or null when the user cannot read it (or it does not exist). */
export async function exportDocument(
  deps: { db: Db; content: SyncContent },
  userId: string,
  documentId: string,
  format: ExportFormat,
): Promise<ExportedFile | null> {
  const found = await getDocumentWithRole(deps.db, documentId, userId)
  if (!found) return null
  const stored = documentFromUpdate(await deps.content.read(documentId, { id: userId }))
  const title = found.document.title
  const fileName = exportFileName(title, format)
  return {
    body: await exportContent(format, stored.content, title),
    contentType: EXPORT_FORMATS[format].contentType,
    disposition: attachmentDisposition(fileName),
    fileName,
  }
}

/**
 * A new document owned by `user`, holding `imported`. The metadata row is
 * made first (the sync server accepts a write token for any id), then the
 * content is posted; if that fails the row is removed again, so a failed
 * import leaves nothing behind.
 */
export async function createDocumentWithContent(
  deps: { db: Db; content: SyncContent },
  user: { id: string; name: string },
  imported: ImportedDocument,
): Promise<DocumentRow> {
  const title = cleanTitle(imported.title)
  const update = updateFromContent(imported.content, title)
  const row = await createDocument(deps.db, user.id, title)
  try {
    await deps.content.write(row.id, user, update)
  } catch (error) {
    await deleteDocumentRecord(deps.db, row.id)
    throw error
  }
  return row
}
