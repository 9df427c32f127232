import 'server-only'
import { signAccessToken, type AccessClaims } from '@/lib/token'

/**
 * One call from the web app to the sync server's document API
 * (docs/sync-protocol.md, "HTTP on the same port"), with a token minted for it:
 * short-lived, for that one document, carrying the access and name of whoever
 * asked. Every module that talks to the sync server (syncAdmin, syncHistory)
 * goes through here, so they share one way of signing, timing out and failing.
 */
export class SyncServerError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
    this.name = 'SyncServerError'
  }
}

export interface SyncServerTarget {
  baseUrl: string
  secret: string
}

export interface SyncRequest {
  method: 'GET' | 'POST' | 'DELETE'
  /** Whose request it is: the token's subject, document, access and (optional) display name. */
  claims: AccessClaims
  /** After `/docs/<id>`: '' for the document itself, '/access', '/versions?limit=5'. */
  pathSuffix: string
  /** Sent as JSON when given. */
  body?: unknown
  timeoutMs: number
}

/** The token only has to outlive one HTTP call. */
const TOKEN_TTL_SECONDS = 60

/** Resolves with the response when it is 2xx; otherwise throws a SyncServerError that names the call and its status. */
export async function callSyncServer(target: SyncServerTarget, request: SyncRequest): Promise<Response> {
  const { method, claims, pathSuffix, body } = request
  const token = await signAccessToken(target.secret, claims, { expiresInSeconds: TOKEN_TTL_SECONDS })
  let response: Response
  try {
    response = await fetch(`${target.baseUrl}/docs/${encodeURIComponent(claims.doc)}${pathSuffix}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(request.timeoutMs),
    })
  } catch (error) {
    throw new SyncServerError(`The sync server at ${target.baseUrl} could not be reached (${(error as Error).message}).`)
  }
  if (!response.ok) {
    // Read the body so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined)
    throw new SyncServerError(`The sync server answered ${response.status} to ${method} /docs/${claims.doc}${pathSuffix}.`, response.status)
  }
  return response
}
