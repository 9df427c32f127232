import 'server-only'
import { SyncServerError } from './syncError'
import { syncRequest } from './syncRequest'

/**
 * The web app's side of the sync server's document API (docs/sync-protocol.md,
 * "HTTP on the same port"). Each call carries an admin token for that one document,
 * minted for the user who asked for the change.
 */
export interface SyncAdmin {
  /** `DELETE /docs/<id>`: closes live connections with 4404 and removes the content. */
  deleteDocument(documentId: string, actorId: string): Promise<void>
  /** `POST /docs/<id>/access`: open connections of `userId` take the new access at once. */
  setAccess(documentId: string, actorId: string, userId: string, access: 'read' | 'write' | 'none'): Promise<void>
}

export { SyncServerError }

const REQUEST_TIMEOUT_MS = 5000

export function createSyncAdmin(options: { baseUrl: string; secret: string }): SyncAdmin {
  async function call(method: string, documentId: string, actorId: string, path: string, json?: unknown) {
    await syncRequest(options, { method, documentId, path, claims: { sub: actorId, access: 'admin' }, json, timeoutMs: REQUEST_TIMEOUT_MS })
  }

  return {
    async deleteDocument(documentId, actorId) {
      try {
        await call('DELETE', documentId, actorId, '')
      } catch (error) {
        // 410: deleted already (a retry after a lost answer). Nothing left to do.
        if (error instanceof SyncServerError && error.status === 410) return
        throw error
      }
    },
    async setAccess(documentId, actorId, userId, access) {
      await call('POST', documentId, actorId, '/access', { sub: userId, access })
    },
  }
}
