/**
 * Saved acknowledgements (message type 100): which peers asked for them, and
 * the room's persisted state vector, the clocks of everything known to be
 * durable (docs/sync-protocol.md, "Saved acknowledgements").
 *
 * Capturing the document's state vector for each write costs an encoding per
 * batch; while nobody has asked for acknowledgements, writes skip it and the
 * vector is marked stale, to be brought up to date when someone asks.
 */
import * as Y from 'yjs'
import { encodeSavedMessage } from '../protocol'
import type { Broadcaster } from './Broadcaster'
import type { Peer } from './Peer'

const EMPTY_STATE_VECTOR = Uint8Array.of(0)

/** What the acknowledgements need to know about the room's document. */
export interface SavedAcksSource {
  /** The stored state vector while the room is cold, else null. */
  coldStateVector(): Uint8Array | null
  /** The live document (built on demand). */
  readonly doc: Y.Doc
  /** Is a write of this room queued or in flight? */
  hasPendingWrites(): boolean
}

export class SavedAcks {
  private readonly subscribers = new Set<Peer>()
  private persistedStateVector: Uint8Array = EMPTY_STATE_VECTOR
  /** False when writes were stored without capturing the state vector (nobody was subscribed). */
  private persistedStateVectorIsCurrent = true

  constructor(
    private readonly source: SavedAcksSource,
    private readonly broadcaster: Broadcaster,
  ) {}

  /** Does anyone want acknowledgements (so writes should capture the state vector)? */
  get wanted(): boolean {
    return this.subscribers.size > 0
  }

  /** The live document was just built from what is stored: all of it is durable. */
  documentBuilt(doc: Y.Doc): void {
    this.persistedStateVector = Y.encodeStateVector(doc)
  }

  /** `peer` asked (type 100): from now on it is told after each write, and now what is durable. */
  subscribe(peer: Peer): void {
    this.subscribers.add(peer)
    this.refresh()
    this.broadcaster.sendTo(peer, encodeSavedMessage(this.persistedStateVector))
  }

  unsubscribe(peer: Peer): void {
    this.subscribers.delete(peer)
  }

  /** A write of this room committed; `stateVector` is what it made durable, or null if not captured. */
  written(stateVector: Uint8Array | null): void {
    if (!stateVector) {
      this.persistedStateVectorIsCurrent = false
      return
    }
    this.persistedStateVector = atLeast(this.persistedStateVector, stateVector)
    this.persistedStateVectorIsCurrent = true
    this.tellSubscribers()
  }

  /**
   * Another instance stored a batch of this room's writes, holding
   * `stateVector` (fan-out 'stored'): the store, shared, now holds that too.
   * Without this, a client whose last edits came from another instance's
   * clients would never see them acknowledged here.
   */
  storedElsewhere(stateVector: Uint8Array): void {
    let merged: Uint8Array
    try {
      merged = atLeast(this.persistedStateVector, stateVector)
    } catch {
      return // not a state vector: dropped, as other malformed relay traffic is
    }
    if (merged === this.persistedStateVector) return
    this.persistedStateVector = merged
    this.tellSubscribers()
  }

  private tellSubscribers(): void {
    let frame: Uint8Array | null = null
    for (const peer of this.subscribers) {
      frame ??= encodeSavedMessage(this.persistedStateVector)
      this.broadcaster.sendTo(peer, frame)
    }
  }

  /**
   * Brings the persisted state vector up to date for a new subscriber. With
   * nothing of this room queued or being written, everything in the document
   * is stored; otherwise the last vector captured stays (it can only be
   * behind, never ahead) and the next write's acknowledgement corrects it.
   */
  private refresh(): void {
    const cold = this.source.coldStateVector()
    if (cold) {
      // Cold: everything held is exactly what is stored.
      this.persistedStateVector = cold
      return
    }
    if (this.persistedStateVectorIsCurrent || this.source.hasPendingWrites()) return
    this.persistedStateVector = Y.encodeStateVector(this.source.doc)
    this.persistedStateVectorIsCurrent = true
  }
}

/**
 * The clock-wise maximum of two state vectors: `current` itself when `next`
 * adds nothing. What the store holds only grows, and writes of several
 * instances (or batches) may report it out of order.
 */
function atLeast(current: Uint8Array, next: Uint8Array): Uint8Array {
  const clocks = Y.decodeStateVector(current)
  let grew = false
  for (const [client, clock] of Y.decodeStateVector(next)) {
    if (clock > (clocks.get(client) ?? 0)) {
      clocks.set(client, clock)
      grew = true
    }
  }
  return grew ? Y.encodeStateVector(clocks) : current
}
