'use server'

import { getDb } from '@/app/_data/db'
import { markNotificationsRead } from '@/app/_data/events/store'
import { getCurrentUser } from '@/app/_data/session'

/**
 * Marks the caller's notifications read: those up to `upToId` (what the
 * opened list showed) or, without it, all of them ("Mark all as read").
 */
export async function markNotificationsReadAction(upToId?: number): Promise<{ ok: boolean }> {
  const user = await getCurrentUser()
  if (!user) return { ok: false }
  const limit = upToId === undefined || upToId === null ? undefined : Number(upToId)
  if (limit !== undefined && !(Number.isSafeInteger(limit) && limit >= 0)) return { ok: false }
  await markNotificationsRead(await getDb(), user.id, limit)
  return { ok: true }
}
