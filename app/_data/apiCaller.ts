import 'server-only'
import { NextResponse } from 'next/server'
import { getDb } from './db'
import { authenticatePersonalToken, type TokenScope } from './personalTokens'
import { getCurrentUser } from './session'
import type { PublicUser } from './users'

/**
 * Who is calling an API route meant for scripts as well as the web app:
 * `Authorization: Bearer <personal access token>` when the header is there
 * (a bad token is refused even if a session cookie came along), else the
 * session cookie. A token must carry `needs`; a session can do anything its
 * user can. Failures come back as the response to send.
 */
export type ApiCaller = { ok: true; user: PublicUser; via: 'session' | 'token' } | { ok: false; response: NextResponse }

export const NO_STORE = { 'cache-control': 'no-store' }

export async function apiCaller(request: Request, needs: TokenScope): Promise<ApiCaller> {
  const header = request.headers.get('authorization')
  if (header !== null) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
    const holder = match ? await authenticatePersonalToken(await getDb(), match[1]) : null
    if (!holder) return refuse(401, 'invalid-token', 'The access token is unknown or was revoked.', { 'www-authenticate': 'Bearer' })
    if (!holder.scopes.includes(needs)) {
      return refuse(403, 'insufficient-scope', `This access token may not ${needs === 'create' ? 'create documents' : 'read'}.`)
    }
    return { ok: true, user: holder.user, via: 'token' }
  }
  // A cookie rides along on requests other sites make; a browser says where a request came from.
  const site = request.headers.get('sec-fetch-site')
  if (request.method !== 'GET' && site !== null && site !== 'same-origin' && site !== 'none') {
    return refuse(403, 'cross-site', 'Cross-site requests are not accepted.')
  }
  const user = await getCurrentUser()
  if (!user) return refuse(401, 'signed-out', 'Sign in, or send Authorization: Bearer <personal access token>.')
  return { ok: true, user, via: 'session' }
}

export function refuse(status: number, error: string, message: string, headers: Record<string, string> = {}) {
  return { ok: false as const, response: NextResponse.json({ error, message }, { status, headers: { ...NO_STORE, ...headers } }) }
}
