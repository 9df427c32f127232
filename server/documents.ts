/**
 * Operations on a document as a whole: reading and writing it through the
 * API, deleting it, changing someone's access to it. Each one's steps, and
 * their order, live here and nowhere else, both for the instance the call
 * reached (`delete`, `changeAccess`) and for every other instance, which
 * hears of it through the relay (`handleFromElsewhere`). httpApi.ts only
 * authorises and parses; RoomRegistry only keeps rooms in memory.
 *
 * Versions too (docs/sync-protocol.md, "Version history"): listing them,
 * reading one's state, naming the current state, and restoring one, which
 * turns the version into the change that brings the live document back to
 * it and applies that to the room as an `api` write (stored, relayed and
 * published like any other), flushed before answering.
 */
import type { Logger } from 'pino'
import type { LiveAccess } from '../lib/access'
import type { DocumentMessage, Fanout } from './fanout/Fanout'
import type { PersistQueue } from './PersistQueue'
import * as Y from 'yjs'
import type { DocumentStore } from './persistence/DocumentStore'
import { buildVersionState, type Author, type VersionPage, type VersionRecord } from './persistence/history'
import { restoreUpdate } from './room/restoreUpdate'
import type { Room } from './room/Room'
import type { RoomRegistry } from './RoomRegistry'

export interface DocumentsDeps {
  store: Pick<
    DocumentStore,
    'deleteDocument' | 'recordAccessChange' | 'getPolicy' | 'createVersion' | 'listVersions' | 'getVersion' | 'loadThrough'
  >
  rooms: Pick<RoomRegistry, 'acquire' | 'release' | 'peek' | 'discard' | 'loadedRooms'>
  persistQueue: Pick<PersistQueue, 'flush' | 'discard'>
  fanout: Pick<Fanout, 'publish'>
  log: Logger
}

export class Documents {
  private rechecking: Promise<void> | null = null

  constructor(private readonly deps: DocumentsDeps) {}

  /** The whole document as one Yjs update (a document never written is empty). */
  async read(docId: string): Promise<Uint8Array> {
    const { rooms } = this.deps
    const room = await rooms.acquire(docId)
    try {
      await room.settled()
      return room.encodeState()
    } finally {
      rooms.release(room)
    }
  }

  /**
   * Applies a validated update as a writer's would be (stored, relayed,
   * published) and resolves once it is durable: the caller may be about to
   * tell a user "saved". Throws SyncError (1002) for an update that fails
   * inside Yjs; the document is then as it was.
   */
  async write(docId: string, update: Uint8Array, author?: Author): Promise<void> {
    const { rooms, persistQueue } = this.deps
    const room = await rooms.acquire(docId)
    try {
      await room.settled()
      room.applyUpdate(update, { source: 'api', author })
      await persistQueue.flush()
    } finally {
      rooms.release(room)
    }
  }

  /** The document's versions, newest first. */
  versions(docId: string, page: VersionPage): Promise<VersionRecord[]> {
    return this.deps.store.listVersions(docId, page)
  }

  /** A version's whole state as one update, or null when the document has no such version. */
  async versionState(docId: string, id: number): Promise<Uint8Array | null> {
    const { store } = this.deps
    const version = await store.getVersion(docId, id)
    if (!version) return null
    return buildVersionState(await store.loadThrough(docId, version.seq))
  }

  /** Names the current state: what this instance applied is stored first, so the version holds it. */
  async nameVersion(docId: string, label: string, author: Author): Promise<VersionRecord> {
    const { persistQueue, store } = this.deps
    await persistQueue.flush()
    const version = await store.createVersion(docId, { kind: 'named', label, createdAt: Date.now(), author })
    if (!version) throw new Error('a named version is always recorded')
    return version
  }

  /**
   * Makes the live document equal to version `id` by one forward change,
   * durable before this resolves, and records a version of kind `restore`.
   * The state being replaced gets an automatic version first (when it is not
   * in one yet), so the restore can itself be undone by restoring that.
   * Null when the document has no such version.
   */
  async restore(docId: string, id: number, author: Author): Promise<VersionRecord | null> {
    const { rooms, persistQueue, store, log } = this.deps
    const version = await store.getVersion(docId, id)
    if (!version) return null
    const target = new Y.Doc()
    const room = await rooms.acquire(docId)
    try {
      await room.settled()
      await persistQueue.flush()
      await store.createVersion(docId, { kind: 'auto', label: null, createdAt: Date.now(), onlyIfChanged: true })
      Y.applyUpdate(target, buildVersionState(await store.loadThrough(docId, version.seq)))
      await room.settled()
      // One forward update makes the live document equal to the version (restoreUpdate.ts): an API write.
      // It also marks the restore in the document, so editors stop their undo there (HISTORY-30).
      const update = restoreUpdate(room.doc, target, { version: String(id), at: new Date().toISOString() })
      if (update) room.applyUpdate(update, { source: 'api', author })
      await persistQueue.flush()
      const restored = await store.createVersion(docId, { kind: 'restore', label: null, createdAt: Date.now(), author })
      log.info({ docId, version: id }, 'version restored')
      return restored
    } finally {
      target.destroy()
      rooms.release(room)
    }
  }

  /**
   * Deletes the document on every instance: its peers here and elsewhere are
   * closed with 4404, nothing of it is written afterwards, its content leaves
   * the store, and tokens issued before now stop opening it (the store
   * records when).
   */
  async delete(docId: string): Promise<void> {
    const { rooms, persistQueue, fanout, store, log } = this.deps
    const room = await rooms.peek(docId)
    room?.closeForDeletion()
    fanout.publish(docId, { kind: 'deleted' })
    // Drop what is queued and let an in-flight write finish, so nothing of the document is written after the delete.
    persistQueue.discard(docId)
    await persistQueue.flush()
    await store.deleteDocument(docId, nowSeconds())
    await rooms.discard(docId)
    log.info({ docId }, 'document deleted')
  }

  /**
   * Sets `sub`'s access to the document: recorded first (so tokens issued
   * before now are capped by it from the next check on), then applied to
   * that user's open peers here and on every other instance.
   */
  async changeAccess(docId: string, sub: string, access: LiveAccess): Promise<void> {
    const { rooms, fanout, store, log } = this.deps
    await store.recordAccessChange(docId, sub, { access, changedAt: nowSeconds() })
    const room = await rooms.peek(docId)
    room?.applyAccessChange(sub, access)
    fanout.publish(docId, { kind: 'access', sub, access })
    log.info({ docId, access }, 'access changed')
  }

  /**
   * Another instance deleted the document or changed an access: do this
   * instance's share (the store and the relay were done there).
   */
  handleFromElsewhere(room: Room, message: DocumentMessage): void {
    switch (message.kind) {
      case 'access':
        room.applyAccessChange(message.sub, message.access)
        return
      case 'deleted':
        this.dropDeletedRoom(room)
        return
    }
  }

  /**
   * Re-checks every open connection against the stored deletions and access
   * changes (SyncServer calls it every `policyRecheckIntervalMs` and after a
   * relay outage): a relayed message that was lost is made up for, as it
   * would have applied. One pass at a time.
   */
  recheckPolicies(): Promise<void> {
    this.rechecking ??= this.recheckAll().finally(() => {
      this.rechecking = null
    })
    return this.rechecking
  }

  private async recheckAll(): Promise<void> {
    const { rooms, store, log } = this.deps
    for (const room of await rooms.loadedRooms()) {
      try {
        // With nobody connected there is still the deletion to check (the policy of no one in particular).
        const subs = room.peerSubs()
        if (subs.size === 0) subs.add('')
        for (const sub of subs) {
          if (room.deleted) break
          const policy = await store.getPolicy(room.docId, sub)
          if (room.deleted) break
          if (room.applyStoredPolicy(sub, policy)) {
            log.warn({ docId: room.docId }, 'a deletion made elsewhere was missed: applying it now')
            this.dropDeletedRoom(room)
          }
        }
      } catch (error) {
        log.error({ err: error, docId: room.docId }, 're-checking access failed; trying again at the next check')
      }
    }
  }

  /** The document was deleted elsewhere: close its peers here (4404), write nothing more of it, drop the room. */
  private dropDeletedRoom(room: Room): void {
    room.closeForDeletion()
    this.deps.persistQueue.discard(room.docId)
    void this.deps.rooms.discard(room.docId)
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
