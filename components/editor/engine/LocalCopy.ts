import { IndexeddbPersistence } from 'y-indexeddb'
import * as Y from 'yjs'
import { localCopyDbName } from './localCopyNames'
import type { LocalCopyState } from './syncStatus'

/** y-indexeddb's key-value store keeps the server's last acknowledgement under this key. */
const SERVER_STORED_KEY = 'serverStored'

export type { LocalCopyState }

/**
 * The document's copy in this browser's IndexedDB, through y-indexeddb, for
 * one user. It is attached to the Y.Doc before the sync provider, so every
 * change is queued for IndexedDB before it goes anywhere else, and whatever
 * it holds from earlier visits (also edits the server never stored) is loaded
 * into the doc as soon as the database opens.
 *
 * y-indexeddb does not say when a write is on disk, so this watches for it:
 * IndexedDB runs transactions on the same store in the order they were
 * created, and a read-only one created after y-indexeddb's write completes
 * only after that write has committed.
 */
export class LocalCopy {
  private readonly persistence: IndexeddbPersistence
  private pendingWrites = 0
  private loaded = false
  /** The last saved acknowledgement that covered the whole copy: what the server is known to hold, even offline. */
  private serverStored: Map<number, number> | null = null
  private destroyed = false

  constructor(
    private readonly doc: Y.Doc,
    userId: string,
    documentId: string,
    /** Called when {@link state} may have changed. */
    private readonly onChange: () => void,
  ) {
    this.persistence = new IndexeddbPersistence(localCopyDbName(userId, documentId), doc)
    // After y-indexeddb's own listener: its write transaction exists by the time ours is created.
    doc.on('update', this.handleUpdate)
    // Read alongside the updates, not after them: a second round trip to IndexedDB
    // would hold back the first paint, and on a cold browser each one is slow.
    const serverStored = this.persistence.get(SERVER_STORED_KEY).catch(() => undefined)
    void Promise.all([serverStored, this.persistence.whenSynced]).then(([stored]: [unknown, unknown]) => {
      if (this.destroyed) return
      if (stored instanceof Uint8Array) this.serverStored = Y.decodeStateVector(stored)
      this.loaded = true
      onChange()
    })
  }

  /** Resolves once the stored copy has been read into the doc (and the doc's state written back). */
  get whenLoaded(): Promise<unknown> {
    return this.persistence.whenSynced
  }

  /** The origin of the doc transaction that loads the stored copy (and of nothing else). */
  get loadOrigin(): unknown {
    return this.persistence
  }

  state(): LocalCopyState {
    if (!this.loaded) return 'loading'
    return this.pendingWrites > 0 ? 'writing' : 'written'
  }

  /**
   * The server acknowledged having stored `vector`, which covers the whole
   * copy: keep it, so that later, offline, the copy is known to hold nothing
   * the server lacks (until the next edit).
   */
  rememberServerStored(vector: Map<number, number>): void {
    if (this.destroyed || !this.loaded) return
    this.serverStored = vector
    // IndexedDB stores typed arrays as they are; y-indexeddb’s types just do not list them.
    void this.persistence.set(SERVER_STORED_KEY, Y.encodeStateVector(vector) as unknown as ArrayBuffer).catch(() => {})
  }

  /** The server's last known stored state, from this or an earlier visit. */
  knownServerStored(): Map<number, number> | null {
    return this.serverStored
  }

  destroy(): void {
    this.destroyed = true
    this.doc.off('update', this.handleUpdate)
    void this.persistence.destroy()
  }

  /** Stops writing and deletes this copy (the document is gone, or no longer ours to keep). */
  async erase(): Promise<void> {
    this.destroyed = true
    this.doc.off('update', this.handleUpdate)
    await this.persistence.clearData()
  }

  private handleUpdate = (_update: Uint8Array, origin: unknown): void => {
    const db = this.persistence.db
    if (this.destroyed || origin === this.persistence || !db) return
    this.pendingWrites++
    let settled = false
    const done = () => {
      if (settled) return
      settled = true
      this.pendingWrites--
      if (!this.destroyed) this.onChange()
    }
    try {
      const probe = db.transaction(['updates'], 'readonly')
      probe.objectStore('updates').count()
      probe.oncomplete = done
      probe.onerror = done
      probe.onabort = done
    } catch {
      done() // the database was closed under us (deleted by another tab): nothing more will be written
    }
  }
}
