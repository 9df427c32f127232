/**
 * Loads rooms on demand and unloads them when idle.
 *
 * - Concurrent joins share one load: the map holds the loading promise.
 * - A caller `acquire`s a room and must `release` it (or join a peer to it):
 *   while held, the room cannot start unloading, so nothing is answered from a
 *   room that is going away.
 * - An empty, unheld room unloads `roomIdleMs` later: flush its writes, fold
 *   the log into a snapshot, then drop it. Never while a write is in flight.
 * - Each loaded room is subscribed to the relay: room traffic goes to the
 *   room, whole-document operations to `onDocumentMessage` (documents.ts).
 */
import type { Logger } from 'pino'
import type { DocumentMessage, Fanout } from './fanout/Fanout'
import type { DocumentStore } from './persistence/DocumentStore'
import type { PersistSink, RoomDeps } from './room/deps'
import { Room } from './room/Room'

interface RoomEntry {
  room: Promise<Room>
  /** The room once loaded (for counting without waiting). */
  loaded: Room | null
  holds: number
  idleTimer: NodeJS.Timeout | null
  /** Set once unloading has begun; a new acquire waits for it, then loads afresh. */
  unloading: Promise<void> | null
}

/** What the registry needs beyond what it hands each room. */
export interface RegistryDeps extends Omit<RoomDeps, 'store' | 'persistQueue' | 'fanout' | 'onEmpty'> {
  store: Pick<DocumentStore, 'load' | 'compact'>
  persistQueue: PersistSink & { flush(): Promise<void> }
  fanout: Pick<Fanout, 'shared' | 'publish' | 'subscribe' | 'unsubscribe' | 'onReconnect'>
}

export interface RoomRegistryOptions {
  roomIdleMs: number
  deps: RegistryDeps
  log: Logger
  /** Another instance deleted the document or changed someone's access (documents.ts handles it). */
  onDocumentMessage?: (room: Room, message: DocumentMessage) => void
}

export class RoomRegistry {
  private readonly entries = new Map<string, RoomEntry>()

  constructor(private readonly options: RoomRegistryOptions) {
    options.deps.fanout.onReconnect(() => void this.resyncAll())
  }

  /** Rooms loaded or loading. */
  get size(): number {
    return this.entries.size
  }

  /** Loaded rooms that hold their document only as bytes (Room.isCold). */
  get coldCount(): number {
    let cold = 0
    for (const { loaded } of this.entries.values()) if (loaded?.isCold) cold++
    return cold
  }

  /** The room if it is loaded right now (not loading, not unloading). */
  async peek(docId: string): Promise<Room | null> {
    const entry = this.entries.get(docId)
    if (!entry || entry.unloading) return null
    return entry.room.catch(() => null)
  }

  /** Loads (or shares the load of) `docId` and holds it until `release`. */
  async acquire(docId: string): Promise<Room> {
    for (;;) {
      let entry = this.entries.get(docId)
      if (entry?.unloading) {
        await entry.unloading
        continue
      }
      if (!entry) {
        entry = { room: this.load(docId), loaded: null, holds: 0, idleTimer: null, unloading: null }
        this.entries.set(docId, entry)
        const loading = entry
        entry.room.then(
          (room) => {
            loading.loaded = room
          },
          () => {
            if (this.entries.get(docId) === loading) this.entries.delete(docId)
          },
        )
      }
      entry.holds++
      this.cancelIdle(entry)
      try {
        return await entry.room
      } catch (error) {
        entry.holds--
        throw error
      }
    }
  }

  /** Ends a hold; when nothing holds the room and nobody is in it, the idle countdown starts. */
  release(room: Room): void {
    const entry = this.entries.get(room.docId)
    if (!entry) return
    entry.holds = Math.max(0, entry.holds - 1)
    this.maybeScheduleIdle(room, entry)
  }

  /** Drops a deleted room at once, without writing a snapshot of it. */
  async discard(docId: string): Promise<void> {
    const entry = this.entries.get(docId)
    if (!entry) return
    this.cancelIdle(entry)
    this.entries.delete(docId)
    const room = await entry.room.catch(() => null)
    if (room) await this.teardown(room)
  }

  /** Every loaded room (for shutdown). */
  async loadedRooms(): Promise<Room[]> {
    const rooms = await Promise.all([...this.entries.values()].map((entry) => entry.room.catch(() => null)))
    return rooms.filter((room): room is Room => room !== null)
  }

  /** Unloads every room now (shutdown): the caller has already closed the peers. */
  async unloadAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((docId) => this.unload(docId)))
  }

  private async load(docId: string): Promise<Room> {
    const { deps, onDocumentMessage } = this.options
    const started = performance.now()
    const stored = await deps.store.load(docId)
    const log = this.options.log.child({ docId })
    const room = new Room(docId, stored, { ...deps, log, onEmpty: this.roomEmptied })
    await deps.fanout.subscribe(docId, (message) => {
      if (message.kind === 'deleted' || message.kind === 'access') onDocumentMessage?.(room, message)
      else room.handleFanout(message)
    })
    room.requestSync()
    log.debug({ ms: Math.round(performance.now() - started), storedUpdates: stored.updates.length }, 'room loaded')
    return room
  }

  /** The last peer left `room`: start the idle countdown unless something holds it. */
  private readonly roomEmptied = (room: Room): void => {
    const entry = this.entries.get(room.docId)
    if (entry) this.maybeScheduleIdle(room, entry)
  }

  /**
   * After a relay outage: re-read every loaded room from the store (updates
   * other instances stored meanwhile, including any that died) and ask the
   * live ones for what is not stored yet.
   */
  private async resyncAll(): Promise<void> {
    for (const room of await this.loadedRooms()) {
      if (room.deleted) continue
      try {
        const stored = await this.options.deps.store.load(room.docId)
        for (const update of stored.updates) room.applyFromElsewhere(update)
      } catch (error) {
        this.options.log.error({ err: error, docId: room.docId }, 'resync from the store failed')
      }
      room.requestSync()
    }
  }

  private maybeScheduleIdle(room: Room, entry: RoomEntry): void {
    if (entry.holds > 0 || room.peerCount > 0 || entry.idleTimer || entry.unloading) return
    entry.idleTimer = setTimeout(() => {
      entry.idleTimer = null
      if (entry.holds === 0 && room.peerCount === 0) void this.unload(room.docId)
    }, this.options.roomIdleMs)
  }

  private cancelIdle(entry: RoomEntry): void {
    if (entry.idleTimer) clearTimeout(entry.idleTimer)
    entry.idleTimer = null
  }

  private unload(docId: string): Promise<void> {
    const entry = this.entries.get(docId)
    if (!entry) return Promise.resolve()
    if (entry.unloading) return entry.unloading
    this.cancelIdle(entry)
    entry.unloading = (async () => {
      const room = await entry.room.catch(() => null)
      try {
        if (room) {
          // Writes first, then the snapshot: the room leaves nothing behind in memory alone.
          await this.options.deps.persistQueue.flush()
          // Changes not yet in a version get one while the room is still here to make it.
          await room.recordPendingVersion()
          await room.compact()
          await this.teardown(room)
        }
      } catch (error) {
        this.options.log.error({ err: error, docId }, 'unloading a room failed')
      } finally {
        if (this.entries.get(docId) === entry) this.entries.delete(docId)
      }
    })()
    return entry.unloading
  }

  private async teardown(room: Room): Promise<void> {
    await this.options.deps.fanout.unsubscribe(room.docId)
    room.destroy()
    this.options.log.debug({ docId: room.docId }, 'room unloaded')
  }
}
