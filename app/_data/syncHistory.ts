import 'server-only'
import type { VersionInfo } from '@/lib/versions'
import { syncRequest } from './syncRequest'

/**
 * The web app's side of the sync server's version history
 * (docs/sync-protocol.md, "Version history"). Each call carries a short
 * `write` token minted for the signed-in user, with their name: the sync
 * server attributes a named version or a restore to whoever the token says.
 */
export type { VersionInfo }

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

/** A restore of a long document is computed and stored before the answer. */
const REQUEST_TIMEOUT_MS = 30_000

export function createSyncHistory(options: { baseUrl: string; secret: string }): SyncHistory {
  function call(method: string, documentId: string, actor: HistoryActor, path: string, json?: unknown): Promise<Response> {
    return syncRequest(options, {
      method,
      documentId,
      path,
      claims: { sub: actor.id, access: 'write', name: actor.name },
      json,
      timeoutMs: REQUEST_TIMEOUT_MS,
    })
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
