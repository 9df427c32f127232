import type { TokenAccess } from '@/lib/access'
import type { Role } from '@/lib/roles'
import { ClosedReason } from './syncStatus'

/** The body of GET /api/docs/<id>/token (app/api/docs/[id]/token/route.ts). */
export interface AccessTokenResponse {
  token: string
  access: TokenAccess
  role: Role
  /** Milliseconds since the epoch. */
  expiresAt: number
}

/** The web app said no: retrying will not help. */
export class TokenRefusedError extends Error {
  constructor(readonly reason: ClosedReason) {
    super(`token refused: ${reason}`)
    this.name = 'TokenRefusedError'
  }
}

/**
 * A token request unanswered this long counts as network trouble. A request
 * can hang rather than fail (a proxy or captive portal that holds it open, a
 * suspended network stack): without a limit the session would wait on it
 * forever and the editor would say "Connecting…" instead of "Offline".
 */
export const TOKEN_REQUEST_TIMEOUT_MS = 10_000

export interface TokenRequestOptions {
  timeoutMs?: number
  /** The fetch to use (the page's own; tests give one bound to a server of theirs). */
  fetch?: typeof fetch
}

/** Asks the web app for a sync-server token; throws TokenRefusedError for 401/404, other errors for network trouble. */
export async function fetchAccessToken(documentId: string, options: TokenRequestOptions = {}): Promise<AccessTokenResponse> {
  const request = options.fetch ?? fetch
  const response = await request(`/api/docs/${encodeURIComponent(documentId)}/token`, {
    cache: 'no-store',
    credentials: 'same-origin',
    signal: AbortSignal.timeout(options.timeoutMs ?? TOKEN_REQUEST_TIMEOUT_MS),
  })
  if (response.status === 401) throw new TokenRefusedError(ClosedReason.SignedOut)
  if (response.status === 403 || response.status === 404) throw new TokenRefusedError(ClosedReason.AccessRevoked)
  if (!response.ok) throw new Error(`token request failed with ${response.status}`)
  return (await response.json()) as AccessTokenResponse
}
