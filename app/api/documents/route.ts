import { NextResponse } from 'next/server'
import { getDb } from '@/app/_data/db'
import { listDocumentsForUser } from '@/app/_data/documents'
import { getCurrentUser } from '@/app/_data/session'

export const dynamic = 'force-dynamic'

/**
 * GET /api/documents: the signed-in user's document list, as the home page
 * renders it. The live list reads it when a document is shared with them,
 * and every 30 s when the event stream cannot connect. 401 when signed out.
 */
export async function GET() {
  const noStore = { 'cache-control': 'no-store' }
  const user = await getCurrentUser()
  if (!user) return NextResponse.json({ error: 'signed-out' }, { status: 401, headers: noStore })
  return NextResponse.json({ documents: await listDocumentsForUser(await getDb(), user.id) }, { headers: noStore })
}
