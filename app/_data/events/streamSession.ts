import 'server-only'
import { getToken } from 'next-auth/jwt'
import type { NextRequest } from 'next/server'
import { getConfig } from '../config'
import { getDb } from '../db'
import { findUserById } from '../users'

export interface StreamSession {
  userId: string
  /** The session's own id (`sid`, set at sign-in in auth.ts), null for a session made before it existed. */
  sessionId: string | null
  /** When the session cookie stops being valid (ms since epoch). */
  expiresAt: number
}

/**
 * The next-auth session of a stream request, from its cookie, verified
 * against the users table; null when there is none. Both cookie names are
 * tried: which one the browser holds depends on http or https, and without
 * NEXTAUTH_URL the server cannot know which this request came through.
 */
export async function readStreamSession(request: NextRequest): Promise<StreamSession | null> {
  const secret = getConfig().authSecret
  const token =
    (await getToken({ req: request, secret, secureCookie: false, logger: quietLogger })) ??
    (await getToken({ req: request, secret, secureCookie: true, logger: quietLogger }))
  const userId = typeof token?.sub === 'string' ? token.sub : null
  const exp = typeof token?.exp === 'number' ? token.exp * 1000 : 0
  if (!userId || exp <= Date.now()) return null
  if (!(await findUserById(await getDb(), userId))) return null
  return { userId, sessionId: typeof token?.sid === 'string' ? token.sid : null, expiresAt: exp }
}

// A cookie that does not decode (old secret, tampering) is just "no session".
const quietLogger = { error: () => {}, warn: () => {}, debug: () => {} } as unknown as Console
