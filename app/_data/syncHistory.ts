import 'server-only'
import { signAccessToken } from '@/lib/token'
import { SyncServerError } from './syncAdmin'

/**
 * The web app's side of the sync server's version history
 * (docs/sync-protocol.md, "Version history"). Each call carries a short
 * `write` token minted for the signed-in user, with their name: the sync
 * server attributes a named version or a restore to whoever the token says.
 */
export interface VersionInfo {
  id: string
  createdAt: string
  label: string | null
  authors: { sub: string; name: string | null }[]
  kind: 'auto' | 'named' | 'restore'
}

export interface HistoryActor {
  id: string
  name: string
}

export interface SyncHistory {
  list(documentId: string, actor: HistoryActor, page?: { before?: string; limit?: number }): Promise<VersionInfo[]>
  /** One version's whole state, as one Yjs update. */
  state(documentId: string, actor: HistoryActor, versionId: string): Promise<Uint8Array>
  name(documentId: string, actor: HistoryActor, label: string): Promise<VersionInfo>
  restore(documentId: string, actor: HistoryActor, versionId: string): Promise<VersionInfo>
}

const TOKEN_TTL_SECONDS = 60
/** A restore of a long document is computed and stored before the answer. */
const REQUEST_TIMEOUT_MS = 30_000

export function createSyncHistory(options: { baseUrl: string; secret: string }): SyncHistory {
  async function call(method: string, documentId: string, actor: HistoryActor, pathSuffix: string, body?: unknown): Promise<Response> {
    const token = await signAccessToken(
      options.secret,
      { sub: actor.id, doc: documentId, access: 'write', name: actor.name },
      { expiresInSeconds: TOKEN_TTL_SECONDS },
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
      await response.arrayBuffer().catch(() => undefined)
      throw new SyncServerError(`The sync server answered ${response.status} to ${method} /docs/${documentId}${pathSuffix}.`, response.status)
    }
    return response
  }

  return {
    async list(documentId, actor, page = {}) {
      const query = new URLSearchParams()
      if (page.before) query.set('before', page.before)
      if (page.limit) query.set('limit', String(page.limit))
      const suffix = query.size > 0 ? `/versions?${query}` : '/versions'
      const body = (await (await call('GET', documentId, actor, suffix)).json()) as { versions: VersionInfo[] }
      return body.versions
    },
    async state(documentId, actor, versionId) {
      return new Uint8Array(await (await call('GET', documentId, actor, `/versions/${versionId}`)).arrayBuffer())
    },
    async name(documentId, actor, label) {
      return (await (await call('POST', documentId, actor, '/versions', { label })).json()) as VersionInfo
    },
    async restore(documentId, actor, versionId) {
      return (await (await call('POST', documentId, actor, `/versions/${versionId}/restore`)).json()) as VersionInfo
    },
  }
}
