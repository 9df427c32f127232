import 'server-only'
import { sql } from 'kysely'
import type { LiveEvent, LiveEventPayloads, LiveEventType, NotificationItem, NotificationsSnapshot } from '@/lib/liveEvents'
import { isLiveEventType } from '@/lib/liveEvents'
import type { Db } from '../db'
import { nowIso } from '../ids'

/** Events (and so notifications) older than this are pruned. */
export const EVENT_RETENTION_MS = 30 * 24 * 60 * 60 * 1000

/** One event to store for one user. */
export type NewUserEvent = {
  [K in LiveEventType]: { userId: string; type: K; data: LiveEventPayloads[K]; notify: boolean }
}[LiveEventType]

/** One stored event and whose it is. */
export interface StoredEvent {
  userId: string
  event: LiveEvent
}

/** Rows per statement: well inside SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 400

/**
 * Stores events, each under the next id of its user, in one transaction,
 * and returns them with their ids in the order given. The ids come from one
 * upsert on the users' counter rows (each user's row moves by its number of
 * events), which PostgreSQL locks until commit: a second process appending
 * for the same user waits, so ids commit in order and a reader never sees
 * id 6 before id 5. Counter rows are upserted in user order, so two appends
 * cannot deadlock. A rename for 1,000 members is two statements a chunk,
 * not 2,000.
 */
export async function appendEvents(db: Db, events: NewUserEvent[]): Promise<StoredEvent[]> {
  if (events.length === 0) return []
  const countByUser = new Map<string, number>()
  for (const event of events) countByUser.set(event.userId, (countByUser.get(event.userId) ?? 0) + 1)
  const users = [...countByUser.keys()].sort()
  const createdAt = nowIso()
  return db.transaction().execute(async (trx) => {
    // The id each user's first new event gets; the rest follow it.
    const nextId = new Map<string, number>()
    for (let i = 0; i < users.length; i += CHUNK) {
      const rows = await trx
        .insertInto('user_event_counters')
        .values(users.slice(i, i + CHUNK).map((userId) => ({ user_id: userId, last_id: countByUser.get(userId)! })))
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ last_id: sql<number>`user_event_counters.last_id + excluded.last_id` }))
        .returning(['user_id', 'last_id'])
        .execute()
      for (const row of rows) nextId.set(row.user_id, Number(row.last_id) - countByUser.get(row.user_id)! + 1)
    }
    const stored = events.map((event) => {
      const id = nextId.get(event.userId)!
      nextId.set(event.userId, id + 1)
      return { event, id }
    })
    for (let i = 0; i < stored.length; i += CHUNK) {
      await trx
        .insertInto('user_events')
        .values(
          stored.slice(i, i + CHUNK).map(({ event, id }) => ({
            user_id: event.userId,
            id,
            type: event.type,
            document_id: event.data.documentId,
            data: JSON.stringify(event.data),
            notify: event.notify ? 1 : 0,
            read_at: null,
            created_at: createdAt,
          })),
        )
        .execute()
    }
    return stored.map(({ event, id }) => ({ userId: event.userId, event: { id, type: event.type, data: event.data } as LiveEvent }))
  })
}

function parseData(type: string, data: string): LiveEvent['data'] | null {
  if (!isLiveEventType(type)) return null
  try {
    return JSON.parse(data) as LiveEvent['data']
  } catch {
    return null
  }
}

/** The user's events after `afterId`, oldest first, at most `limit`. */
export async function listEventsAfter(db: Db, userId: string, afterId: number, limit = 500): Promise<LiveEvent[]> {
  const rows = await db
    .selectFrom('user_events')
    .select(['id', 'type', 'data'])
    .where('user_id', '=', userId)
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute()
  const events: LiveEvent[] = []
  for (const row of rows) {
    const data = parseData(row.type, row.data)
    if (data) events.push({ id: Number(row.id), type: row.type, data } as LiveEvent)
  }
  return events
}

/** The id of the user's newest event, 0 if none: where a freshly rendered page's stream starts. */
export async function lastEventId(db: Db, userId: string): Promise<number> {
  const row = await db.selectFrom('user_event_counters').select('last_id').where('user_id', '=', userId).executeTakeFirst()
  return row ? Number(row.last_id) : 0
}

/** The newest notifications (read or not) and how many are unread. */
export async function listNotifications(db: Db, userId: string, limit = 30): Promise<NotificationsSnapshot> {
  const [rows, unread] = await Promise.all([
    db
      .selectFrom('user_events')
      .select(['id', 'type', 'data', 'read_at', 'created_at'])
      .where('user_id', '=', userId)
      .where('notify', '=', 1)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute(),
    db
      .selectFrom('user_events')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('user_id', '=', userId)
      .where('notify', '=', 1)
      .where('read_at', 'is', null)
      .executeTakeFirstOrThrow(),
  ])
  const items: NotificationItem[] = []
  for (const row of rows) {
    const data = parseData(row.type, row.data)
    if (data) items.push({ id: Number(row.id), type: row.type, data, createdAt: row.created_at, read: row.read_at !== null } as NotificationItem)
  }
  return { unread: Number(unread.count), items }
}

/** Marks the user's unread notifications read: all of them, or those up to and including `upToId`. */
export async function markNotificationsRead(db: Db, userId: string, upToId?: number): Promise<void> {
  let query = db.updateTable('user_events').set({ read_at: nowIso() }).where('user_id', '=', userId).where('notify', '=', 1).where('read_at', 'is', null)
  if (upToId !== undefined) query = query.where('id', '<=', upToId)
  await query.execute()
}

/** Deletes every event older than the retention period; the counters stay, so ids keep increasing. */
export async function pruneEvents(db: Db, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - EVENT_RETENTION_MS).toISOString()
  const result = await db.deleteFrom('user_events').where('created_at', '<', cutoff).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Minimum gap between two `document.edited` events of one document. */
export const EDITED_EVENT_INTERVAL_MS = 10_000

/**
 * Claims the right to announce an edit of the document: true at most once
 * per interval, across every process on the database (one conditional
 * upsert: the row changes only when the last claim is old enough).
 */
export async function claimEditedEvent(db: Db, documentId: string, now = Date.now()): Promise<boolean> {
  const at = new Date(now).toISOString()
  const cutoff = new Date(now - EDITED_EVENT_INTERVAL_MS).toISOString()
  const row = await db
    .insertInto('document_edit_marks')
    .values({ document_id: documentId, at })
    .onConflict((oc) => oc.column('document_id').doUpdateSet({ at }).where('document_edit_marks.at', '<=', cutoff))
    .returning('document_id')
    .executeTakeFirst()
  return row !== undefined
}
