import { NextResponse } from 'next/server'
import { getDb } from '@/app/_data/db'
import { listNotifications } from '@/app/_data/events/store'
import { getCurrentUser } from '@/app/_data/session'

export const dynamic = 'force-dynamic'

/** GET /api/notifications: the newest notifications and the unread count (the bell). 401 when signed out. */
export async function GET() {
  const noStore = { 'cache-control': 'no-store' }
  const user = await getCurrentUser()
  if (!user) return NextResponse.json({ error: 'signed-out' }, { status: 401, headers: noStore })
  return NextResponse.json(await listNotifications(await getDb(), user.id), { headers: noStore })
}
