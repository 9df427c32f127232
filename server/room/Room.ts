/**
 * One document in memory and the peers editing it. This file holds the sync
 * handling (the y-websocket messages, applying updates) and puts the room's
 * other parts together, each in its own file:
 *
 * - ColdDocument: the stored bytes, until the live Y.Doc is needed
 * - Broadcaster: one merged frame per room per event-loop turn
 * - SavedAcks, Compaction: what is durable, and folding the log
 * - Presence: awareness, with who owns which client ID
 * - CrossInstance: traffic with the same room on other instances
 * - peerAccess: access changes, deletion and the stored policy, as they reach the peers
 * - DocumentRebuild: the document put back as it was after an update failed inside Yjs
 *
 * Hot path: an incoming update is decoded once to validate it, applied once,
 * queued once for the store, and relayed as one frame per room per turn
 * (several updates in one turn are merged), never encoded per receiver.
 * The rare update that still throws inside Yjs costs nothing until it
 * happens: then the document is rebuilt (DocumentRebuild).
 */
import type { Logger } from 'pino'
import * as Y from 'yjs'
import type { LiveAccess } from '../../lib/access'
import { CloseCode } from '../../lib/closeCodes'
import { encodeAwarenessUpdate } from '../AwarenessStore'
import type { RoomTrafficMessage } from '../fanout/Fanout'
import type { PersistTarget } from '../PersistQueue'
import type { DocumentPolicy, StoredDocument } from '../persistence/DocumentStore'
import type { Author } from '../persistence/history'
import { decodeStateVectorStrict, encodeAwarenessMessage, encodePermissionDenied, readMessage, readValidUpdate } from '../protocol'
import { encodeSyncStep1, encodeSyncStep1FromStateVector, encodeSyncStep2FromUpdate, encodeUpdateMessage } from '../protocol'
import { protocolError } from '../SyncError'
import { AutoVersions } from './AutoVersions'
import { Broadcaster } from './Broadcaster'
import { ColdDocument } from './ColdDocument'
import { Compaction } from './Compaction'
import { CrossInstance } from './CrossInstance'
import type { RoomDeps, UpdateOrigin } from './deps'
import { DocumentRebuild } from './DocumentRebuild'
import { encodeIntegrated, encodePending, hasPending } from './documentParts'
import { claimedClocks } from './claimedClocks'
import { handlePeerFrame, type Peer, type PeerRoom } from './Peer'
import { READ_ONLY_REASON, applyAccessChange, applyStoredPolicy, closeForDeletion } from './peerAccess'
import { Presence } from './Presence'
import { restoreUpdate } from './restoreUpdate'
import { SavedAcks } from './SavedAcks'

export class Room implements PeerRoom, PersistTarget {
  private readonly peers = new Set<Peer>()
  private readonly cold: ColdDocument
  /** The live document; null while the room still holds only its stored bytes. */
  private liveDoc: Y.Doc | null = null
  /** Bumped by every transaction that changed the document (see `applyUpdate`). */
  private changeCount = 0
  /** The user of the latest client update not yet reported as stored (EditSink). */
  private unreportedWriter: string | null = null
  private readonly broadcaster: Broadcaster
  private readonly saved: SavedAcks
  private readonly compaction: Compaction
  private readonly presence: Presence
  private readonly crossInstance: CrossInstance
  private readonly rebuild: DocumentRebuild
  private readonly versions: AutoVersions | null
  /** Set by `closeForDeletion`: the room refuses to compact and is about to be dropped. */
  deleted = false
  /** When the room was loaded, in token seconds (a deletion after it means this room is stale). */
  readonly loadedAtSeconds = Math.floor(Date.now() / 1000)

  constructor(
    readonly docId: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
  ) {
    this.cold = new ColdDocument(stored)
    this.broadcaster = new Broadcaster(this.peers, deps.metrics)
    this.saved = new SavedAcks(this, this.broadcaster)
    const { store, fanout, compactAfterUpdates, log, persistQueue } = deps
    this.compaction = new Compaction(docId, stored, { store, shared: fanout.shared, compactAfterUpdates, log })
    this.presence = new Presence(docId, this.broadcaster, fanout, log, deps.presenceLimits)
    this.crossInstance = new CrossInstance(this, this.presence, fanout, log)
    this.rebuild = new DocumentRebuild({ docId, store, persistQueue, log })
    this.versions = deps.versions ? new AutoVersions(docId, deps.versions, log) : null
    if (this.cold.isEmpty) this.materialize()
  }

  /** This room's logger (a child of the server's, with the docId). */
  get log(): Logger {
    return this.deps.log
  }

  /** How many peers are in the room (the registry unloads an empty one). */
  get peerCount(): number {
    return this.peers.size
  }

  /** The live document, built from the stored bytes on first use. */
  get doc(): Y.Doc {
    return this.liveDoc ?? this.materialize()
  }

  private materialize(): Y.Doc {
    if (this.liveDoc) return this.liveDoc
    const doc = this.adopt(this.cold.build(this.deps.log))
    this.saved.documentBuilt(doc)
    return doc
  }

  private adopt(doc: Y.Doc): Y.Doc {
    this.liveDoc = doc
    doc.on('afterTransaction', (transaction: Y.Transaction) => {
      if (transaction.deleteSet.clients.size > 0 || stateAdvanced(transaction)) this.changeCount++
    })
    return doc
  }

  // ---- peers ----

  join(peer: Peer): void {
    this.peers.add(peer)
    if (this.rebuild.active) {
      this.rebuild.defer(() => {
        if (this.peers.has(peer)) this.greet(peer)
      })
      return
    }
    this.greet(peer)
  }

  /** What a joiner is sent: sync step 1, everyone's presence, and for a reader the read-only notice. */
  private greet(peer: Peer): void {
    // A cold room states what it holds without building the document (ColdDocument.getStateVector).
    const step1 = this.cold.isCold ? encodeSyncStep1FromStateVector(this.cold.getStateVector()) : encodeSyncStep1(this.doc)
    this.broadcaster.sendTo(peer, step1)
    const states = this.presence.presentStates()
    if (states.length > 0) this.broadcaster.sendTo(peer, encodeAwarenessMessage(encodeAwarenessUpdate(states)))
    if (!peer.canWrite) this.broadcaster.sendTo(peer, encodePermissionDenied(READ_ONLY_REASON))
  }

  /** Removes a peer that is gone, and its presence; returns true when the room is now empty. */
  leave(peer: Peer): boolean {
    if (!this.peers.delete(peer)) return this.peers.size === 0
    this.saved.unsubscribe(peer)
    this.presence.removePeer(peer)
    if (this.peers.size > 0) return false
    this.deps.onEmpty?.(this)
    return true
  }

  /** Handles one binary frame from `peer`. Throws SyncError for bad input; the transport closes `peer`. */
  handleMessage(peer: Peer, frame: Uint8Array): void {
    if (this.rebuild.active) {
      // Handled, in order, once the document is back (its own failure then closes the peer as usual).
      const held = this.rebuild.defer(() => {
        if (this.peers.has(peer)) handlePeerFrame(this, peer, frame)
      }, frame.length)
      if (!held) peer.close(CloseCode.TryAgainLater, 'document is being recovered')
      return
    }
    const message = readMessage(frame)
    switch (message.type) {
      case 'sync-step1': {
        const theirs = decodeStateVectorStrict(message.stateVector)
        // Several stored rows would have to be merged, and a merge is not always what applying them in turn
        // gives (room/documentParts.ts): then the document is built and answers.
        if (this.cold.isCold && theirs.size === 0 && this.cold.isSingleUpdate) {
          // A fresh client on a cold room: the stored bytes are exactly what it lacks. Build the
          // document only once they are on their way: building blocks the event loop for tens of
          // milliseconds, and a large frame goes out over several turns of it.
          const step2 = encodeSyncStep2FromUpdate(this.cold.asOneUpdate())
          const queued = this.broadcaster.sendTo(peer, step2, () => setImmediate(() => this.materialize()))
          if (!queued) setImmediate(() => this.materialize())
          return
        }
        const doc = this.doc
        this.broadcaster.sendTo(peer, encodeSyncStep2FromUpdate(encodeIntegrated(doc, message.stateVector)))
        // What waits for missing dependencies goes apart, after the rest (documentParts.ts).
        const pending = hasPending(doc) ? encodePending(doc, message.stateVector) : null
        if (pending) this.broadcaster.sendTo(peer, encodeUpdateMessage(pending))
        return
      }
      case 'sync-update':
        // A read-only peer's document updates are never applied nor relayed (docs/sync-protocol.md, "Wire protocol").
        if (!peer.canWrite) return
        this.applyUpdate(message.update, { source: 'client', peer })
        return
      case 'awareness':
        this.presence.applyFromPeer(peer, message.update)
        return
      case 'query-awareness':
        this.broadcaster.sendTo(peer, encodeAwarenessMessage(encodeAwarenessUpdate(this.presence.presentStates())))
        return
      case 'saved':
        this.saved.subscribe(peer)
        return
      case 'refresh-token':
        void peer.renewToken(message.token).then((renewed) => {
          if (renewed?.couldWrite && !peer.canWrite && this.peers.has(peer)) {
            this.broadcaster.sendTo(peer, encodePermissionDenied(READ_ONLY_REASON))
          }
        })
        return
      case 'auth':
        return
    }
  }

  // ---- document ----

  /**
   * Validates, applies, stores and relays one update. Throws SyncError (1002)
   * when the update does not decode (before touching the document) or when
   * it throws inside Yjs (the document is then rebuilt without it: nothing
   * of it is kept, relayed or stored). Returns whether the document changed.
   * Callers wait out a rebuild first (`settled`, or the room's own backlog).
   */
  applyUpdate(update: Uint8Array, origin: UpdateOrigin): boolean {
    if (this.rebuild.active) throw new Error('applyUpdate while the document is being rebuilt')
    const structs = readValidUpdate(update)
    const doc = this.doc
    const { pendingStructs, pendingDs } = doc.store
    const changesBefore = this.changeCount
    try {
      Y.applyUpdate(doc, update, origin)
    } catch (error) {
      this.deps.log.warn({ err: error, source: origin.source }, 'an update failed inside Yjs: rebuilding the document without it')
      this.rebuild.start((rebuilt) => this.replaceDocument(rebuilt))
      throw protocolError('update does not apply')
    }
    // An update whose dependencies are missing is held as pending, changing nothing yet;
    // it must still be stored and relayed, or receivers could never apply what depends on it.
    const store = doc.store
    const changed = this.changeCount !== changesBefore || store.pendingStructs !== null || store.pendingDs !== null
    if (!changed) return false
    // Merged with others only into a document that holds nothing back: a merge is what applying the updates in
    // turn gives only when every one of them integrates whole (claimedClocks.ts). Typing always does.
    const mergeable = pendingStructs === null && pendingDs === null && !hasPending(doc)
    this.broadcaster.queueUpdate(update, origin.source === 'client' ? origin.peer : null, claimedClocks(structs), mergeable)
    // Another instance stored and published it already.
    if (origin.source === 'fanout') return true
    if (this.deps.fanout.shared) this.deps.fanout.publish(this.docId, { kind: 'update', update })
    this.deps.persistQueue.enqueue(this, update, authorOf(origin))
    this.versions?.changed()
    if (origin.source === 'client') this.unreportedWriter = origin.peer.sub
    return true
  }

  /** The rebuilt document replaces the one an update broke; the broken one is dropped. */
  private replaceDocument(rebuilt: Y.Doc): void {
    const broken = this.liveDoc
    this.adopt(rebuilt)
    broken?.destroy()
    // Updates other instances relayed are stored by them, maybe not yet: ask for what we lack.
    this.crossInstance.requestSync()
  }

  /** Resolves when no rebuild is under way (reads and API writes wait for it). */
  settled(): Promise<void> {
    return this.rebuild.settled()
  }

  /**
   * The whole document as one update (GET /docs/<id>/update); after
   * `settled`. Parts that still wait for missing dependencies are not in it:
   * merged in, they could cut short what a reader gets (documentParts.ts).
   */
  encodeState(): Uint8Array {
    return this.cold.isCold && this.cold.isSingleUpdate ? this.cold.asOneUpdate() : encodeIntegrated(this.doc)
  }

  /**
   * Makes the document's content equal to `target`'s by one forward update
   * (restoreUpdate.ts), applied as an API write attributed to `author`:
   * stored, relayed and published like any writer's. After `settled`.
   * Returns whether anything had to change.
   */
  restoreTo(target: Y.Doc, author: Author): boolean {
    const update = restoreUpdate(this.doc, target)
    if (!update) return false
    return this.applyUpdate(update, { source: 'api', author })
  }

  // ---- durability (PersistTarget, SavedAcksSource) ----

  currentStateVector(): Uint8Array | null {
    // Nobody is listening for acknowledgements: skip the encoding (SavedAcks). Being rebuilt: the
    // document holds what must not be acknowledged, so this batch captures nothing.
    return this.saved.wanted && !this.rebuild.active ? Y.encodeStateVector(this.doc) : null
  }

  onPersisted({ lastSeq, count, stateVector }: { lastSeq: number; count: number; stateVector: Uint8Array | null }): void {
    const due = this.compaction.written(lastSeq, count)
    this.saved.written(stateVector)
    // A client's edit is stored (or one written in the same batch): the web app's list may say so (EVENTS-1).
    if (this.unreportedWriter !== null) {
      this.deps.edits?.stored(this.docId, this.unreportedWriter)
      this.unreportedWriter = null
    }
    if (due) void this.compact()
  }

  coldStateVector(): Uint8Array | null {
    return this.cold.isCold ? this.cold.getStateVector() : null
  }

  hasPendingWrites(): boolean {
    return this.deps.persistQueue.hasPendingFor(this.docId)
  }

  /** Records an automatic version if changes since the last one are not in one yet (before unloading). */
  recordPendingVersion(): Promise<void> {
    if (this.deleted) return Promise.resolve()
    return this.versions?.flush() ?? Promise.resolve()
  }

  /** Folds the stored log into one snapshot (Compaction); never for a deleted document. */
  compact(): Promise<void> {
    if (this.deleted) return this.compaction.inProgress
    // Asked when the fold runs (later, with PostgreSQL): a document being rebuilt is never folded.
    return this.compaction.run(() => (this.rebuild.active ? null : this.liveDoc))
  }

  // ---- other instances, access, deletion ----

  /** Room traffic another instance published (updates, presence, sync requests). */
  handleFanout(message: RoomTrafficMessage): void {
    if (this.rebuild.active) this.rebuild.defer(() => this.handleFanout(message))
    else this.crossInstance.handle(message)
  }

  /** Asks the other instances for what this room lacks (after loading, after a relay outage). */
  requestSync(): void {
    if (this.rebuild.active) this.rebuild.defer(() => this.requestSync())
    else this.crossInstance.requestSync()
  }

  /** Applies stored or relayed content that was already stored and published elsewhere. */
  applyFromElsewhere(update: Uint8Array): void {
    if (this.rebuild.active) this.rebuild.defer(() => this.applyFromElsewhere(update))
    else this.crossInstance.applyFromElsewhere(update)
  }

  /** Applies an access change to `sub`'s peers, never beyond what each one's token grants. */
  applyAccessChange(sub: string, access: LiveAccess): void {
    applyAccessChange(this.peers, sub, access, this.broadcaster)
  }

  /** The users with a peer in this room (whose stored policy a re-check reads). */
  peerSubs(): Set<string> {
    return new Set([...this.peers].map((peer) => peer.sub))
  }

  /**
   * Brings `sub`'s peers in line with the stored policy, as the access change
   * or deletion they may have missed would have. Returns true when the policy
   * shows the document was deleted after this room was loaded: the caller
   * then handles the room as deleted.
   */
  applyStoredPolicy(sub: string, policy: DocumentPolicy): boolean {
    return applyStoredPolicy(this.peers, sub, policy, this.loadedAtSeconds, this.broadcaster)
  }

  /** The document was deleted: close every peer with 4404 and refuse further compaction. */
  closeForDeletion(): void {
    this.deleted = true
    this.versions?.cancel()
    closeForDeletion(this.peers)
  }

  /** Stops background work; the caller has flushed the persist queue and no peer is left. */
  destroy(): void {
    this.rebuild.cancel()
    this.versions?.cancel()
    this.broadcaster.cancel()
    this.liveDoc?.destroy()
  }
}

/** Who a stored update is attributed to: the sending peer's token, or the API caller's. */
function authorOf(origin: UpdateOrigin): Author | undefined {
  if (origin.source === 'client') return { sub: origin.peer.sub, name: origin.peer.name ?? null }
  if (origin.source === 'api') return origin.author
  return undefined
}

function stateAdvanced(transaction: Y.Transaction): boolean {
  const { beforeState, afterState } = transaction
  if (afterState.size !== beforeState.size) return true
  for (const [client, clock] of afterState) {
    if (beforeState.get(client) !== clock) return true
  }
  return false
}
