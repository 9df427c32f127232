import 'server-only'
import type { AccessClaims } from '@/lib/token'
import { signAccessToken } from '@/lib/token'
import { SyncServerError } from './syncError'

/**
 * One call to the sync server's document API (docs/sync-protocol.md, "The
 * document API"), carrying a token minted for just this call: the claims
 * say who asks and with what access, so the sync server judges the call
 * like any other client's. A non-2xx answer is a SyncServerError with its
 * status; its body is drained so the connection can be reused.
 */
export interface SyncServerTarget {
  baseUrl: string
  secret: string
}

/** Short: the token only has to outlive one HTTP call. */
const TOKEN_TTL_SECONDS = 60

export async function syncRequest(
  target: SyncServerTarget,
  request: {
    method: string
    documentId: string
    /** After `/docs/<id>`: '', '/update', '/versions', … */
    path: string
    claims: Omit<AccessClaims, 'doc'>
    json?: unknown
    bytes?: Uint8Array
    timeoutMs: number
  },
): Promise<Response> {
  const token = await signAccessToken(target.secret, { ...request.claims, doc: request.documentId }, { expiresInSeconds: TOKEN_TTL_SECONDS })
  const headers: Record<string, string> = { authorization: `Bearer ${token}` }
  let body: BodyInit | undefined
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(request.json)
  } else if (request.bytes) {
    headers['content-type'] = 'application/octet-stream'
    body = request.bytes as Uint8Array<ArrayBuffer>
  }
  const label = `${request.method} /docs/${request.documentId}${request.path}`
  let response: Response
  try {
    response = await fetch(`${target.baseUrl}/docs/${encodeURIComponent(request.documentId)}${request.path}`, {
      method: request.method,
      headers,
      body,
      signal: AbortSignal.timeout(request.timeoutMs),
    })
  } catch (error) {
    throw new SyncServerError(`The sync server at ${target.baseUrl} could not be reached (${(error as Error).message}).`)
  }
  if (!response.ok) {
    await response.arrayBuffer().catch(() => undefined)
    throw new SyncServerError(`The sync server answered ${response.status} to ${label}.`, response.status)
  }
  return response
}
