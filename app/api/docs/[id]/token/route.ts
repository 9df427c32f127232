import { NextResponse } from 'next/server'
import { issueAccessToken } from '@/app/_data/accessToken'
import { getConfig } from '@/app/_data/config'
import { getDb } from '@/app/_data/db'
import { getCurrentUser } from '@/app/_data/session'
import { isValidDocId } from '@/lib/docId'

/**
 * GET /api/docs/<id>/token: a short-lived sync-server token for the signed-in
 * user's current role (viewer → read, editor → write, owner → admin). The
 * editor calls it before every (re)connect and before the token expires.
 * 401 when signed out; 404 for no access or no such document (one answer for both).
 */
export async function GET(_request: Request, context: { params: Promise<{ id: string }> }) {
  const { id } = await context.params
  const noStore = { 'cache-control': 'no-store' }
  const user = await getCurrentUser()
  if (!user) return NextResponse.json({ error: 'signed-out' }, { status: 401, headers: noStore })
  if (!isValidDocId(id)) return NextResponse.json({ error: 'no-access' }, { status: 404, headers: noStore })
  const issued = await issueAccessToken(await getDb(), getConfig().authSecret, user, id)
  if (!issued) return NextResponse.json({ error: 'no-access' }, { status: 404, headers: noStore })
  return NextResponse.json(issued, { headers: noStore })
}
