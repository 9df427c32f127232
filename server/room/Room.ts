/**
 * One document in memory and the peers editing it. This file takes each
 * update in (validated, applied, a rebuild begun if Yjs throws) and puts the
 * room's parts together, each in its own file:
 *
 * - LiveDocument: the stored bytes (ColdDocument), then the Y.Doc: updates applied, replaced after a rebuild
 * - Cooling: a quiet document goes back to bytes (memory), built again when needed
 * - PeerMessages: a joiner's greeting and the answers to a peer's messages
 * - UpdateFlow: where an accepted update goes (peers, instances, the store with its author) and what its storing means
 * - Broadcaster: one merged frame per room per event-loop turn
 * - SavedAcks, Compaction: what is durable, and folding the log
 * - Presence: awareness, with who owns which client ID
 * - CrossInstance: traffic with the same room on other instances
 * - peerAccess: access changes, deletion and the stored policy, as they reach the peers
 * - DocumentRebuild: the document put back as it was after an update failed inside Yjs
 * - AutoVersions: when the room records an automatic version
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
import type { RoomTrafficMessage } from '../fanout/Fanout'
import type { PersistTarget } from '../PersistQueue'
import type { DocumentPolicy, StoredDocument } from '../persistence/DocumentStore'
import { isEmptyUpdate, readValidUpdate } from '../protocol'
import { protocolError } from '../SyncError'
import { AutoVersions } from './AutoVersions'
import { Broadcaster } from './Broadcaster'
import { Compaction } from './Compaction'
import { Cooling } from './Cooling'
import { CrossInstance } from './CrossInstance'
import type { RoomDeps, UpdateOrigin } from './deps'
import { DocumentRebuild } from './DocumentRebuild'
import { claimedClocks } from './claimedClocks'
import { LiveDocument } from './LiveDocument'
import type { Peer, PeerRoom } from './Peer'
import { PeerMessages } from './PeerMessages'
import { applyAccessChange, applyStoredPolicy, closeForDeletion } from './peerAccess'
import { Presence } from './Presence'
import { SavedAcks } from './SavedAcks'
import { UpdateFlow, type StoredWrite } from './UpdateFlow'

export class Room implements PeerRoom, PersistTarget {
  private readonly peers = new Set<Peer>()
  private readonly live: LiveDocument
  private readonly broadcaster: Broadcaster
  private readonly saved: SavedAcks
  private readonly compaction: Compaction
  private readonly presence: Presence
  private readonly messages: PeerMessages
  private readonly crossInstance: CrossInstance
  private readonly rebuild: DocumentRebuild
  private readonly versions: AutoVersions | null
  private readonly flow: UpdateFlow
  private readonly cooling: Cooling
  /** Set by `closeForDeletion`: the room refuses to compact and is about to be dropped. */
  deleted = false
  /** When the room was loaded, in token seconds (a deletion after it means this room is stale). */
  readonly loadedAtSeconds = Math.floor(Date.now() / 1000)

  constructor(
    readonly docId: string,
    stored: StoredDocument,
    private readonly deps: RoomDeps,
  ) {
    this.broadcaster = new Broadcaster(this.peers, deps.metrics)
    this.saved = new SavedAcks(this, this.broadcaster)
    // With other instances, what they relayed may not be stored yet (they store it): a shared room stays live.
    this.cooling = new Cooling(deps.fanout.shared ? 0 : (deps.coldAfterMs ?? 0), () => this.tryCool())
    this.live = new LiveDocument(stored, deps.log, {
      documentBuilt: (doc) => {
        this.saved.documentBuilt(doc)
        this.cooling.changed()
      },
    })
    const { store, fanout, compactAfterUpdates, log, persistQueue } = deps
    this.compaction = new Compaction(docId, stored, { store, shared: fanout.shared, compactAfterUpdates, log })
    this.presence = new Presence(docId, this.broadcaster, fanout, log, deps.presenceLimits)
    this.crossInstance = new CrossInstance(this, this.presence, this.saved, fanout, log)
    this.rebuild = new DocumentRebuild({ docId, store, persistQueue, log })
    this.versions = deps.versions ? new AutoVersions(docId, deps.versions, log) : null
    const { peers, live, broadcaster, presence, saved, rebuild, versions, compaction } = this
    this.messages = new PeerMessages(this, { peers, document: live, broadcaster, presence, saved, rebuild })
    this.flow = new UpdateFlow(docId, { target: this, broadcaster, fanout, persistQueue, versions, compaction, saved, edits: deps.edits })
    if (this.live.cold.isEmpty) this.live.materialize()
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
    return this.live.doc
  }

  // ---- peers ----

  join(peer: Peer): void {
    this.peers.add(peer)
    this.messages.join(peer)
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
    this.messages.handle(peer, frame)
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
    // Nothing in it (a fresh client's sync step 2): nothing to decode, build, store or relay.
    if (isEmptyUpdate(update)) return false
    const structs = readValidUpdate(update)
    const result = this.live.apply(update, origin)
    if (result === 'failed') {
      this.rebuild.start((rebuilt) => this.replaceDocument(rebuilt))
      throw protocolError('update does not apply')
    }
    if (result === 'unchanged') return false
    // Held-back parts are never merged (LiveDocument.apply, claimedClocks.ts). Nor is a large update, whose
    // structs the check did not keep (readValidUpdate): it goes out alone, so its claims are not needed.
    const mergeable = structs !== null && result === 'mergeable'
    this.flow.accepted(update, origin, structs ? claimedClocks(structs) : [], mergeable)
    this.cooling.changed()
    return true
  }

  /** True while the room holds its document only as bytes (loaded and not yet needed, or gone cold). */
  get isCold(): boolean {
    return this.live.cold.isCold
  }

  /**
   * Quiet for ROOM_COLD_AFTER_MS (Cooling.ts): keep the document as bytes,
   * unless something still needs the live one. Everything in it must be
   * stored first, so that the bytes are what the store holds.
   */
  private tryCool(): boolean {
    if (this.deleted) return true // about to be dropped: nothing to retry
    if (this.rebuild.active || this.hasPendingWrites()) return false
    this.live.cool()
    return true
  }

  /** The rebuilt document replaces the one an update broke; the broken one is dropped. */
  private replaceDocument(rebuilt: Y.Doc): void {
    this.live.replace(rebuilt)
    // Updates other instances relayed are stored by them, maybe not yet: ask for what we lack.
    this.crossInstance.requestSync()
  }

  /** Resolves when no rebuild is under way (reads and API writes wait for it). */
  settled(): Promise<void> {
    return this.rebuild.settled()
  }

  /** The whole document as one update (GET /docs/<id>/update; LiveDocument.encodeState); after `settled`. */
  encodeState(): Uint8Array {
    return this.live.encodeState()
  }

  // ---- durability (PersistTarget, SavedAcksSource) ----

  currentStateVector(): Uint8Array | null {
    // Nobody is listening for acknowledgements, here or on another instance (UpdateFlow.stored tells
    // them): skip the encoding (SavedAcks). Being rebuilt: the document holds what must not be
    // acknowledged, so this batch captures nothing.
    const wanted = this.saved.wanted || this.deps.fanout.shared
    return wanted && !this.rebuild.active ? Y.encodeStateVector(this.doc) : null
  }

  /** A batch of this room's writes is stored (UpdateFlow.stored); folds the log when it is due. */
  onPersisted(write: StoredWrite): void {
    if (this.flow.stored(write)) void this.compact()
  }

  coldStateVector(): Uint8Array | null {
    return this.live.coldStateVector()
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
    return this.compaction.run(() => (this.rebuild.active ? null : this.live.current))
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
    this.cooling.cancel()
    this.rebuild.cancel()
    this.versions?.cancel()
    this.broadcaster.cancel()
    this.live.destroy()
  }
}
