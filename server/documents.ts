/**
 * Operations on a document as a whole: reading and writing it through the
 * API, deleting it, changing someone's access to it. Each one's steps, and
 * their order, live here and nowhere else, both for the instance the call
 * reached (`delete`, `changeAccess`) and for every other instance, which
 * hears of it through the relay (`handleFromElsewhere`). httpApi.ts only
 * authorises and parses; RoomRegistry only keeps rooms in memory.
 *
 * Restoring an earlier version (the history issue) belongs here too, as
 * `restore(docId, version)`: read the version from the store, turn it into
 * the change that brings the live document back to it, apply that to the
 * room as an `api` change (so it is stored, relayed and published like any
 * write), and flush before answering, as `write` does.
 */
import type { Logger } from 'pino'
import type { LiveAccess } from '../lib/access'
import type { DocumentMessage, Fanout } from './fanout/Fanout'
import type { PersistQueue } from './PersistQueue'
import type { DocumentStore } from './persistence/DocumentStore'
import type { Room } from './room/Room'
import type { RoomRegistry } from './RoomRegistry'

export interface DocumentsDeps {
  store: Pick<DocumentStore, 'deleteDocument' | 'recordAccessChange'>
  rooms: Pick<RoomRegistry, 'acquire' | 'release' | 'peek' | 'discard'>
  persistQueue: Pick<PersistQueue, 'flush' | 'discard'>
  fanout: Pick<Fanout, 'publish'>
  log: Logger
}

export class Documents {
  constructor(private readonly deps: DocumentsDeps) {}

  /** The whole document as one Yjs update (a document never written is empty). */
  async read(docId: string): Promise<Uint8Array> {
    const { rooms } = this.deps
    const room = await rooms.acquire(docId)
    try {
      return room.encodeState()
    } finally {
      rooms.release(room)
    }
  }

  /**
   * Applies a validated update as a writer's would be (stored, relayed,
   * published) and resolves once it is durable: the caller may be about to
   * tell a user "saved".
   */
  async write(docId: string, update: Uint8Array): Promise<void> {
    const { rooms, persistQueue } = this.deps
    const room = await rooms.acquire(docId)
    try {
      room.applyUpdate(update, { source: 'api' })
      await persistQueue.flush()
    } finally {
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
        room.closeForDeletion()
        // Nothing of it may be written from here any more.
        this.deps.persistQueue.discard(room.docId)
        void this.deps.rooms.discard(room.docId)
        return
    }
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000)
}
