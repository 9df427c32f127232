import 'server-only'
import { syncRequest, type SyncServerTarget } from './syncRequest'

/**
 * A document's stored content through the sync server's document API:
 * `GET /docs/<id>/update` (the whole document as one Yjs update, API-2) and
 * `POST /docs/<id>/update` (merge an update in, API-3). Export and the search
 * index read with it; import writes with it.
 */
export interface SyncContent {
  /** The stored document; `reader` is whom the read token names (the caller, or the indexer). */
  read(documentId: string, reader: { id: string }): Promise<Uint8Array>
  write(documentId: string, writer: { id: string; name: string }, update: Uint8Array): Promise<void>
}

/** A long document is a few megabytes: give it time to travel. */
const REQUEST_TIMEOUT_MS = 30_000

export function createSyncContent(target: SyncServerTarget): SyncContent {
  return {
    async read(documentId, reader) {
      const response = await syncRequest(target, {
        method: 'GET',
        documentId,
        path: '/update',
        claims: { sub: reader.id, access: 'read' },
        timeoutMs: REQUEST_TIMEOUT_MS,
      })
      return new Uint8Array(await response.arrayBuffer())
    },
    async write(documentId, writer, update) {
      await syncRequest(target, {
        method: 'POST',
        documentId,
        path: '/update',
        claims: { sub: writer.id, access: 'write', name: writer.name },
        bytes: update,
        timeoutMs: REQUEST_TIMEOUT_MS,
      })
    },
  }
}
