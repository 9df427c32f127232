/**
 * One document in memory and the connections editing it: applies and relays
 * updates, relays presence, answers saved-acknowledgement requests, and asks
 * the persist queue to store what changed.
 *
 * Hot path: an incoming update is decoded once to validate it, applied once,
 * queued once for the store, and relayed as one frame per room per event-loop
 * turn (several updates in one turn are merged), never encoded per receiver.
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import { canWrite, minAccess, type AccessLevel, type LiveAccess } from '../lib/access'
import { CloseCode } from '../lib/closeCodes'
import { AwarenessStore, decodeAwarenessUpdate, encodeAwarenessUpdate, type AwarenessEntry } from './AwarenessStore'
import type { Connection } from './Connection'
import type { Fanout, FanoutMessage } from './fanout/Fanout'
import type { ServerMetrics } from './metrics'
import type { PersistQueue, PersistTarget } from './PersistQueue'
import type { DocumentStore, StoredDocument } from './persistence/DocumentStore'
import { foldUpdates } from './persistence/foldUpdates'
import {
  assertValidUpdate,
  decodeStateVectorStrict,
  encodeAwarenessMessage,
  encodePermissionDenied,
  encodeSavedMessage,
  encodeSyncStep1,
  encodeSyncStep1FromStateVector,
  encodeSyncStep2,
  encodeSyncStep2FromUpdate,
  encodeUpdateMessage,
  isEmptyUpdate,
  readMessage,
} from './protocol'

/** Where a change came from: decides whether it is stored and published (STYLE.md, "Origins"). */
export type UpdateOrigin =
  | { source: 'client'; conn: Connection }
  | { source: 'api' }
  /** From another instance, or re-read from the store after an outage: stored already, published already. */
  | { source: 'fanout' }

export interface RoomDeps {
  store: DocumentStore
  persistQueue: PersistQueue
  fanout: Fanout
  metrics: ServerMetrics
  compactAfterUpdates: number
  log: Logger
}

const EMPTY_STATE_VECTOR = Uint8Array.of(0)
export const READ_ONLY_REASON = 'read-only: this connection may not change the document'

/** Sender of everything queued for one broadcast: one connection, or `null` for several or none. */
type BatchOrigin = Connection | null | undefined

export class Room implements PersistTarget {
  readonly connections = new Set<Connection>()
  private readonly awareness = new AwarenessStore<Connection | 'remote'>({ remoteOwner: 'remote' })
  /** The live document; null while the room still holds only its stored bytes (see `storedUpdates`). */
  private liveDoc: Y.Doc | null = null
  /**
   * The stored updates, kept as bytes until something needs the live document.
   * Turning a large document into a Y.Doc costs tens of milliseconds; a fresh
   * client opening it needs only the bytes. So a cold room first answers from
   * these, then builds the document in the background (or at once, when a
   * write or anything else needs it).
   */
  private storedUpdates: Uint8Array[] | null
  /** State vector of `storedUpdates`, worked out on first need (a cold room's sync step 1). */
  private storedStateVector: Uint8Array | null = null
  private readonly storedSnapshotStateVector: Uint8Array | null
  private persistedStateVector: Uint8Array = EMPTY_STATE_VECTOR
  /**
   * False when writes were stored without capturing the state vector (nobody
   * had asked for saved acknowledgements, so we skipped the cost).
   */
  private persistedStateVectorIsCurrent = true
  /** Connections that asked for saved acknowledgements. */
  private savedSubscribers = 0
  private lastSeq: number
  private logLength: number
  private compacting: Promise<void> | null = null
  /** Bumped by every transaction that changed the document (see `applyUpdate`). */
  private changeCount = 0
  deleted = false

  // What the next broadcast flush sends.
  private outgoingUpdates: Uint8Array[] = []
  private outgoingUpdatesOrigin: BatchOrigin = undefined
  private outgoingAwareness = new Map<number, AwarenessEntry>()
  private outgoingAwarenessOrigin: BatchOrigin = undefined
  private flushScheduled = false

  constructor(
    readonly docId: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
  ) {
    this.storedUpdates = stored.updates
    this.storedSnapshotStateVector = stored.snapshotStateVector
    this.lastSeq = stored.lastSeq
    this.logLength = stored.logLength
    if (stored.updates.length === 0) this.materialize()
  }

  /** This room's logger (a child of the server's, with the docId). */
  get log(): Logger {
    return this.deps.log
  }

  /** The live document, built from the stored bytes on first use. */
  get doc(): Y.Doc {
    return this.liveDoc ?? this.materialize()
  }

  private materialize(): Y.Doc {
    if (this.liveDoc) return this.liveDoc
    const doc = new Y.Doc()
    Y.transact(doc, () => {
      for (const update of this.storedUpdates ?? []) {
        try {
          Y.applyUpdate(doc, update)
        } catch (error) {
          // Never refuse the whole document for one bad row; keep the rest and say so loudly.
          this.deps.log.error({ err: error }, 'skipping a stored update that does not apply')
        }
      }
    })
    this.storedUpdates = null
    this.liveDoc = doc
    this.persistedStateVector = Y.encodeStateVector(doc)
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.deleteSet.clients.size > 0 || stateAdvanced(transaction)) this.changeCount++
    })
    return doc
  }

  /**
   * The stored state's vector without building the document: the snapshot's
   * own (saved with it) merged with each logged update's, or, lacking the
   * former, read off the merged bytes.
   */
  private storedStateVectorOf(stored: Uint8Array[]): Uint8Array {
    if (this.storedStateVector) return this.storedStateVector
    const snapshotVector = this.storedSnapshotStateVector
    if (snapshotVector && stored.length === 1 + this.logLength) {
      const clocks = Y.decodeStateVector(snapshotVector)
      for (const update of stored.slice(1)) {
        for (const [client, clock] of Y.decodeStateVector(Y.encodeStateVectorFromUpdate(update))) {
          if (clock > (clocks.get(client) ?? 0)) clocks.set(client, clock)
        }
      }
      this.storedStateVector = Y.encodeStateVector(clocks)
    } else {
      this.storedStateVector = Y.encodeStateVectorFromUpdate(this.storedAsOneUpdate(stored))
    }
    return this.storedStateVector
  }

  /** The stored state as one update, merged once and kept (only while not materialized). */
  private storedAsOneUpdate(stored: Uint8Array[]): Uint8Array {
    if (stored.length === 1) return stored[0]
    const merged = Y.mergeUpdates(stored)
    this.storedUpdates = [merged]
    return merged
  }

  // ---- connections ----

  join(conn: Connection): void {
    this.connections.add(conn)
    // A cold room states what it holds without building the document (see storedStateVectorOf).
    const stored = this.storedUpdates
    this.sendTo(conn, stored ? encodeSyncStep1FromStateVector(this.storedStateVectorOf(stored)) : encodeSyncStep1(this.doc))
    const states = this.awareness.presentStates()
    if (states.length > 0) this.sendTo(conn, encodeAwarenessMessage(encodeAwarenessUpdate(states)))
    if (!conn.canWrite) this.sendTo(conn, encodePermissionDenied(READ_ONLY_REASON))
  }

  /** Removes a closed connection and its presence; returns true when the room is now empty. */
  leave(conn: Connection): boolean {
    if (!this.connections.delete(conn)) return this.connections.size === 0
    if (conn.wantsSavedAcks) this.savedSubscribers--
    const removals = this.awareness.removeOwner(conn)
    if (removals.length > 0) this.relayAwareness(removals, null)
    return this.connections.size === 0
  }

  /** Handles one binary frame from `conn`. Throws SyncError for bad input; the caller closes `conn`. */
  handleMessage(conn: Connection, frame: Uint8Array): void {
    const message = readMessage(frame)
    switch (message.type) {
      case 'sync-step1': {
        const theirs = decodeStateVectorStrict(message.stateVector)
        if (this.storedUpdates && theirs.size === 0) {
          // A fresh client on a cold room: the stored bytes are exactly what it lacks. Build the
          // document only once they are on their way: building blocks the event loop for tens of
          // milliseconds, and a large frame goes out over several turns of it.
          const frame = encodeSyncStep2FromUpdate(this.storedAsOneUpdate(this.storedUpdates))
          const queued = conn.send(asBuffer(frame), () => setImmediate(() => this.materialize()))
          if (queued) this.deps.metrics.recordBroadcast(1, frame.length)
          else setImmediate(() => this.materialize())
          return
        }
        this.sendTo(conn, encodeSyncStep2(this.doc, message.stateVector))
        return
      }
      case 'sync-update':
        // CONTRACT: a read connection's document updates are never applied nor relayed.
        if (!conn.canWrite) return
        this.applyUpdate(message.update, { source: 'client', conn })
        return
      case 'awareness': {
        const accepted = this.awareness.apply(conn, decodeAwarenessUpdate(message.update))
        if (accepted.length > 0) this.relayAwareness(accepted, conn)
        return
      }
      case 'query-awareness':
        this.sendTo(conn, encodeAwarenessMessage(encodeAwarenessUpdate(this.awareness.presentStates())))
        return
      case 'saved':
        if (!conn.wantsSavedAcks) this.savedSubscribers++
        conn.wantsSavedAcks = true
        this.refreshPersistedStateVector()
        this.sendTo(conn, encodeSavedMessage(this.persistedStateVector))
        return
      case 'auth':
        return
    }
  }

  // ---- document ----

  /**
   * Validates, applies, stores and relays one update. Throws SyncError (1002)
   * before touching the document when the update does not decode.
   * Returns whether the document changed.
   */
  applyUpdate(update: Uint8Array, origin: UpdateOrigin): boolean {
    assertValidUpdate(update)
    const changesBefore = this.changeCount
    Y.applyUpdate(this.doc, update, origin)
    // An update whose dependencies are missing is held as pending, changing nothing yet;
    // it must still be stored and relayed, or receivers could never apply what depends on it.
    const store = this.doc.store
    const changed = this.changeCount !== changesBefore || store.pendingStructs !== null || store.pendingDs !== null
    if (!changed) return false
    this.queueBroadcast(update, origin.source === 'client' ? origin.conn : null)
    // Another instance stored and published it already.
    if (origin.source === 'fanout') return true
    if (this.deps.fanout.shared) this.deps.fanout.publish(this.docId, { kind: 'update', update })
    this.deps.persistQueue.enqueue(this, update)
    return true
  }

  /** The whole document as one update (GET /docs/<id>/update). */
  encodeState(): Uint8Array {
    return this.storedUpdates ? this.storedAsOneUpdate(this.storedUpdates) : Y.encodeStateAsUpdate(this.doc)
  }

  // ---- PersistTarget ----

  currentStateVector(): Uint8Array | null {
    // Nobody is listening for acknowledgements: skip the encoding (see refreshPersistedStateVector).
    return this.savedSubscribers > 0 ? Y.encodeStateVector(this.doc) : null
  }

  onPersisted({ lastSeq, count, stateVector }: { lastSeq: number; count: number; stateVector: Uint8Array | null }): void {
    this.lastSeq = Math.max(this.lastSeq, lastSeq)
    this.logLength += count
    if (stateVector) {
      this.persistedStateVector = stateVector
      this.persistedStateVectorIsCurrent = true
      this.sendSavedAcks()
    } else {
      this.persistedStateVectorIsCurrent = false
    }
    if (this.logLength >= this.deps.compactAfterUpdates) void this.compact()
  }

  /**
   * Folds the stored log into one snapshot, up to the last entry this room
   * knows was written. The store folds what it holds, so entries other
   * instances appended are kept; entries appended later keep their place.
   */
  compact(): Promise<void> {
    if (this.compacting || this.deleted || this.logLength === 0) return this.compacting ?? Promise.resolve()
    const compactedEntries = this.logLength
    const log = this.deps.log
    const liveDoc = this.liveDoc
    // Alone, this instance wrote every stored row from this very document, so the live document
    // already is their fold (no rebuild on the event loop). With other instances, fold the rows.
    const fold =
      liveDoc && !this.deps.fanout.shared
        ? () => ({ update: Y.encodeStateAsUpdate(liveDoc), stateVector: Y.encodeStateVector(liveDoc) })
        : (updates: Uint8Array[]) => foldUpdates(updates, (error) => log.error({ err: error }, 'skipping a stored update that does not apply'))
    this.compacting = this.deps.store
      .compact(this.docId, this.lastSeq, fold)
      .then(() => {
        this.logLength -= compactedEntries
      })
      .catch((error) => log.error({ err: error }, 'compaction failed; the log is kept'))
      .finally(() => {
        this.compacting = null
      })
    return this.compacting
  }

  /**
   * Brings the persisted state vector up to date for a new subscriber. With
   * nothing of this room queued or being written, everything in the document
   * is stored; otherwise the last vector captured stays (it can only be
   * behind, never ahead) and the next write's acknowledgement corrects it.
   */
  private refreshPersistedStateVector(): void {
    if (this.storedUpdates) {
      // Cold: everything held is exactly what is stored.
      this.persistedStateVector = this.storedStateVectorOf(this.storedUpdates)
      return
    }
    if (this.persistedStateVectorIsCurrent || this.deps.persistQueue.hasPendingFor(this.docId)) return
    this.persistedStateVector = Y.encodeStateVector(this.doc)
    this.persistedStateVectorIsCurrent = true
  }

  private sendSavedAcks(): void {
    let frame: Uint8Array | null = null
    for (const conn of this.connections) {
      if (!conn.wantsSavedAcks) continue
      frame ??= encodeSavedMessage(this.persistedStateVector)
      this.sendTo(conn, frame)
    }
  }

  // ---- presence ----

  private relayAwareness(entries: AwarenessEntry[], origin: Connection | null): void {
    for (const entry of entries) this.outgoingAwareness.set(entry.clientId, entry)
    this.outgoingAwarenessOrigin = mergeOrigin(this.outgoingAwarenessOrigin, origin)
    this.scheduleFlush()
    if (this.deps.fanout.shared) this.deps.fanout.publish(this.docId, { kind: 'awareness', update: encodeAwarenessUpdate(entries) })
  }

  // ---- cross-instance ----

  /** A message another instance published for this room. */
  handleFanout(message: FanoutMessage): void {
    switch (message.kind) {
      case 'update':
        this.applyFromElsewhere(message.update)
        return
      case 'awareness': {
        let entries: AwarenessEntry[]
        try {
          entries = decodeAwarenessUpdate(message.update)
        } catch {
          this.deps.log.error('dropping a malformed awareness update from another instance')
          return
        }
        const accepted = this.awareness.apply('remote', entries)
        if (accepted.length === 0) return
        for (const entry of accepted) this.outgoingAwareness.set(entry.clientId, entry)
        this.outgoingAwarenessOrigin = mergeOrigin(this.outgoingAwarenessOrigin, null)
        this.scheduleFlush()
        return
      }
      case 'sync-request':
        this.answerSyncRequest(message.stateVector)
        return
      case 'access':
        this.applyAccessChange(message.sub, message.access)
        return
      case 'deleted':
        this.closeForDeletion()
        return
    }
  }

  /**
   * Asks the other instances for what this room lacks (sent after loading and
   * after a relay outage): an update published between our store read and our
   * subscription would otherwise never reach us.
   */
  requestSync(): void {
    if (this.deps.fanout.shared) this.deps.fanout.publish(this.docId, { kind: 'sync-request', stateVector: Y.encodeStateVector(this.doc) })
  }

  /** Applies stored or relayed content that was already stored and published elsewhere. */
  applyFromElsewhere(update: Uint8Array): void {
    try {
      this.applyUpdate(update, { source: 'fanout' })
    } catch (error) {
      this.deps.log.error({ err: error }, 'dropping an undecodable update from another instance')
    }
  }

  private answerSyncRequest(theirStateVector: Uint8Array): void {
    let theirs: Map<number, number>
    try {
      theirs = Y.decodeStateVector(theirStateVector)
    } catch {
      return
    }
    const diff = Y.encodeStateAsUpdate(this.doc, theirStateVector)
    if (!isEmptyUpdate(diff)) this.deps.fanout.publish(this.docId, { kind: 'update', update: diff })
    const states = this.awareness.localStates()
    if (states.length > 0) this.deps.fanout.publish(this.docId, { kind: 'awareness', update: encodeAwarenessUpdate(states) })
    // They may hold what we lack (their clients edited while we were cut off): ask in turn.
    const ours = Y.encodeStateVector(this.doc)
    const ourClocks = Y.decodeStateVector(ours)
    for (const [client, clock] of theirs) {
      if (clock > (ourClocks.get(client) ?? 0)) {
        this.deps.fanout.publish(this.docId, { kind: 'sync-request', stateVector: ours })
        return
      }
    }
  }

  // ---- access ----

  /** Applies an access change to `sub`'s open connections, never beyond what each one's token grants. */
  applyAccessChange(sub: string, access: LiveAccess): void {
    for (const conn of this.connections) {
      if (conn.sub !== sub) continue
      const effective: AccessLevel = minAccess(conn.tokenAccess, access)
      if (effective === 'none') {
        conn.close(CloseCode.AccessRevoked, 'access revoked')
        continue
      }
      const couldWrite = conn.canWrite
      conn.access = effective
      if (couldWrite && !canWrite(effective)) this.sendTo(conn, encodePermissionDenied(READ_ONLY_REASON))
    }
  }

  /** The document was deleted: close everyone with 4404 and refuse further changes. */
  closeForDeletion(): void {
    this.deleted = true
    for (const conn of this.connections) conn.close(CloseCode.DocumentDeleted, 'document deleted')
  }

  // ---- broadcast ----

  private queueBroadcast(update: Uint8Array, origin: Connection | null): void {
    this.outgoingUpdates.push(update)
    this.outgoingUpdatesOrigin = mergeOrigin(this.outgoingUpdatesOrigin, origin)
    this.scheduleFlush()
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(this.flushBroadcasts)
  }

  /** Sends what this turn queued: one update frame, then one awareness frame, to each receiver. */
  private readonly flushBroadcasts = (): void => {
    this.flushScheduled = false
    if (this.outgoingUpdates.length > 0) {
      const updates = this.outgoingUpdates
      const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)
      this.sendToAll(encodeUpdateMessage(update), this.outgoingUpdatesOrigin ?? null)
      this.outgoingUpdates = []
      this.outgoingUpdatesOrigin = undefined
    }
    if (this.outgoingAwareness.size > 0) {
      const entries = [...this.outgoingAwareness.values()]
      this.sendToAll(encodeAwarenessMessage(encodeAwarenessUpdate(entries)), this.outgoingAwarenessOrigin ?? null)
      this.outgoingAwareness.clear()
      this.outgoingAwarenessOrigin = undefined
    }
  }

  private sendTo(conn: Connection, frame: Uint8Array): void {
    if (conn.send(asBuffer(frame))) this.deps.metrics.recordBroadcast(1, frame.length)
  }

  private sendToAll(frame: Uint8Array, except: Connection | null): void {
    // ws turns every Uint8Array it sends into a Buffer: do it once per frame, not once per receiver.
    const data = asBuffer(frame)
    let receivers = 0
    for (const conn of this.connections) {
      if (conn !== except && conn.send(data)) receivers++
    }
    this.deps.metrics.recordBroadcast(receivers, frame.length)
  }

  /** Stops background work; the caller has flushed the persist queue. */
  destroy(): void {
    this.liveDoc?.destroy()
  }
}

function asBuffer(frame: Uint8Array): Buffer {
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)
}

function mergeOrigin(current: BatchOrigin, next: Connection | null): BatchOrigin {
  if (current === undefined) return next
  return current === next ? current : null
}

function stateAdvanced(transaction: Y.Transaction): boolean {
  const { beforeState, afterState } = transaction
  if (afterState.size !== beforeState.size) return true
  for (const [client, clock] of afterState) {
    if (beforeState.get(client) !== clock) return true
  }
  return false
}
