import 'server-only'
import { signAccessToken } from '@/lib/token'

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

export class SyncServerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'SyncServerError'
  }
}

/** Short: the token only has to outlive one HTTP call. */
const ADMIN_TOKEN_TTL_SECONDS = 60
const REQUEST_TIMEOUT_MS = 5000

export function createSyncAdmin(options: { baseUrl: string; secret: string }): SyncAdmin {
  async function call(method: string, documentId: string, actorId: string, pathSuffix: string, body?: unknown) {
    const token = await signAccessToken(
      options.secret,
      { sub: actorId, doc: documentId, access: 'admin' },
      { expiresInSeconds: ADMIN_TOKEN_TTL_SECONDS },
    )
    let response: Response
    try {
      response = await fetch(`${options.baseUrl}/docs/${encodeURIComponent(documentId)}${pathSuffix}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      })
    } catch (error) {
      throw new SyncServerError(`The sync server at ${options.baseUrl} could not be reached (${(error as Error).message}).`)
    }
    if (!response.ok) {
      throw new SyncServerError(`The sync server answered ${response.status} to ${method} /docs/${documentId}${pathSuffix}.`, response.status)
    }
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
