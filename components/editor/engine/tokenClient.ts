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

/** Asks the web app for a sync-server token; throws TokenRefusedError for 401/404, other errors for network trouble. */
export async function fetchAccessToken(documentId: string): Promise<AccessTokenResponse> {
  const response = await fetch(`/api/docs/${encodeURIComponent(documentId)}/token`, {
    cache: 'no-store',
    credentials: 'same-origin',
  })
  if (response.status === 401) throw new TokenRefusedError(ClosedReason.SignedOut)
  if (response.status === 403 || response.status === 404) throw new TokenRefusedError(ClosedReason.AccessRevoked)
  if (!response.ok) throw new Error(`token request failed with ${response.status}`)
  return (await response.json()) as AccessTokenResponse
}
