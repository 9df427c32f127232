import 'server-only'
import { signAccessToken } from '@/lib/token'
import type { TokenAccess } from '@/lib/access'
import type { Db } from './db'
import { getRole } from './documents'
import { tokenAccessForRole, type Role } from './policy'

/** Ten minutes: short enough that a removed user's old token soon stops opening the document. */
export const ACCESS_TOKEN_TTL_SECONDS = 10 * 60

export interface IssuedToken {
  token: string
  access: TokenAccess
  role: Role
  /** Milliseconds since the epoch. */
  expiresAt: number
}

/**
 * Mints the sync-server token for a user's current role in a document, or
 * returns null when they have no access (or the document doesn't exist).
 */
export async function issueAccessToken(
  db: Db,
  secret: string,
  user: { id: string; name: string },
  documentId: string,
): Promise<IssuedToken | null> {
  const role = await getRole(db, documentId, user.id)
  if (!role) return null
  const access = tokenAccessForRole(role)
  const issuedAt = Math.floor(Date.now() / 1000)
  const token = await signAccessToken(
    secret,
    { sub: user.id, doc: documentId, access, name: user.name },
    { expiresInSeconds: ACCESS_TOKEN_TTL_SECONDS, issuedAt },
  )
  return { token, access, role, expiresAt: (issuedAt + ACCESS_TOKEN_TTL_SECONDS) * 1000 }
}
