import 'server-only'
import { getConfig } from '../config'
import { getDb, type Db } from '../db'
import type { LiveEvent } from '@/lib/liveEvents'
import { eventsNotice, MemoryBus, type LiveBus } from './bus'
import { LiveEventHub } from './hub'
import { PostgresBus } from './postgresBus'
import { RedisBus } from './redisBus'
import { appendEvents, pruneEvents, type NewUserEvent } from './store'

/**
 * The bus that fits the deployment: Redis pub/sub when REDIS_URL is set,
 * else PostgreSQL LISTEN/NOTIFY when DATABASE_URL is, else memory (SQLite
 * means one process).
 */
export function createLiveBus(options: { redisUrl?: string; databaseUrl?: string }): LiveBus {
  if (options.redisUrl) return new RedisBus(options.redisUrl)
  if (options.databaseUrl) return new PostgresBus(options.databaseUrl)
  return new MemoryBus()
}

interface Live {
  bus: LiveBus
  hub: LiveEventHub
}

// On globalThis so `next dev`'s module reloads keep one bus connection.
const globalForLive = globalThis as unknown as { tandemLive?: Promise<Live> }

/** This process's bus and hub, made on first use. */
export function getLive(): Promise<Live> {
  globalForLive.tandemLive ??= (async () => {
    const config = getConfig()
    const db = await getDb()
    const bus = createLiveBus(config)
    const hub = new LiveEventHub(db, bus, (error) => console.error('[live events] reading events failed:', error))
    return { bus, hub }
  })()
  return globalForLive.tandemLive
}

const PRUNE_EVERY_MS = 60 * 60 * 1000
let lastPruneAt = 0

/**
 * Stores the events and tells every process that holds a stream of one of
 * those users. A failed notice is logged, not thrown: the change the events
 * describe is already made, and the stored events are replayed on the next
 * reconnect or notice.
 */
export async function emitEvents(db: Db, bus: LiveBus | undefined, events: NewUserEvent[]): Promise<void> {
  if (events.length === 0) return
  const stored = await appendEvents(db, events)
  if (bus) {
    const byUser = new Map<string, LiveEvent[]>()
    for (const { userId, event } of stored) byUser.set(userId, [...(byUser.get(userId) ?? []), event])
    await Promise.all(
      [...byUser].map(([userId, userEvents]) =>
        bus.publish(eventsNotice(userId, userEvents)).catch((error) => console.error('[live events] notice failed:', error)),
      ),
    )
  }
  if (Date.now() - lastPruneAt > PRUNE_EVERY_MS) {
    lastPruneAt = Date.now()
    void pruneEvents(db).catch((error) => console.error('[live events] pruning failed:', error))
  }
}
