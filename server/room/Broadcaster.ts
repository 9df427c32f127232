/**
 * Sends a room's frames to its peers. What a turn of the event loop queues
 * (updates, presence) goes out as one frame of each kind per room, merged,
 * encoded once and sent to every peer but the one it came from: never
 * encoded per receiver, never one frame per update when updates come in a
 * burst.
 */
import * as Y from 'yjs'
import type { AwarenessEntry } from '../AwarenessStore'
import { encodeAwarenessUpdate } from '../AwarenessStore'
import { encodeAwarenessMessage, encodeUpdateMessage } from '../protocol'
import type { BroadcastMetrics } from './deps'
import type { Peer } from './Peer'

/** Sender of everything queued for one broadcast: one peer, `null` for several or none, `undefined` before the first. */
type BatchOrigin = Peer | null | undefined

export class Broadcaster {
  private outgoingUpdates: Uint8Array[] = []
  private outgoingUpdatesOrigin: BatchOrigin = undefined
  /** Per client, the highest clock the queued updates reach: two that claim the same clocks are never merged. */
  private readonly outgoingClocks = new Map<number, number>()
  private readonly outgoingAwareness = new Map<number, AwarenessEntry>()
  private outgoingAwarenessOrigin: BatchOrigin = undefined
  /** The end-of-turn flush, while one is scheduled. */
  private scheduledFlush: NodeJS.Immediate | null = null

  constructor(
    private readonly peers: ReadonlySet<Peer>,
    private readonly metrics: BroadcastMetrics,
  ) {}

  /**
   * Queues an update for everyone; `origin` (its sender) is skipped when it
   * is the turn's only sender. `ranges` are the clocks it claims
   * (claimedClocks.ts): should they overlap what is queued, a merge could
   * place them otherwise than the room did, so what is queued goes out
   * first, as it is. An update that is not `mergeable` (the room could not
   * integrate all of it, or it set free what was held back) goes out alone.
   */
  queueUpdate(update: Uint8Array, origin: Peer | null, ranges: readonly number[] = [], mergeable = true): void {
    if (this.outgoingUpdates.length > 0 && (!mergeable || this.overlapsQueued(ranges))) this.flushUpdates()
    for (let i = 0; i < ranges.length; i += 3) {
      const client = ranges[i]
      const end = ranges[i + 2]
      if (end > (this.outgoingClocks.get(client) ?? 0)) this.outgoingClocks.set(client, end)
    }
    this.outgoingUpdates.push(update)
    this.outgoingUpdatesOrigin = mergeOrigin(this.outgoingUpdatesOrigin, origin)
    // Alone, now: nothing queued later may be merged with it.
    if (!mergeable) this.flushUpdates()
    else this.scheduleFlush()
  }

  private overlapsQueued(ranges: readonly number[]): boolean {
    for (let i = 0; i < ranges.length; i += 3) {
      const reached = this.outgoingClocks.get(ranges[i])
      if (reached !== undefined && ranges[i + 1] < reached) return true
    }
    return false
  }

  /** Queues presence entries; a later entry for the same client ID replaces an earlier one. */
  queueAwareness(entries: readonly AwarenessEntry[], origin: Peer | null): void {
    for (const entry of entries) this.outgoingAwareness.set(entry.clientId, entry)
    this.outgoingAwarenessOrigin = mergeOrigin(this.outgoingAwarenessOrigin, origin)
    this.scheduleFlush()
  }

  /** Sends one frame to one peer now; returns whether it was queued. */
  sendTo(peer: Peer, frame: Uint8Array, onWritten?: () => void): boolean {
    const queued = peer.send(asBuffer(frame), onWritten)
    if (queued) this.metrics.recordBroadcast(1, frame.length)
    return queued
  }

  /** Drops what is queued (the room is being torn down: nobody is left to send it to). */
  cancel(): void {
    if (this.scheduledFlush) clearImmediate(this.scheduledFlush)
    this.scheduledFlush = null
    this.outgoingUpdates = []
    this.outgoingClocks.clear()
    this.outgoingAwareness.clear()
  }

  private scheduleFlush(): void {
    if (this.scheduledFlush) return
    this.scheduledFlush = setImmediate(this.flush)
  }

  /** Sends what this turn queued: one update frame, then one awareness frame, to each receiver. */
  private readonly flush = (): void => {
    this.scheduledFlush = null
    this.flushUpdates()
    if (this.outgoingAwareness.size > 0) {
      const entries = [...this.outgoingAwareness.values()]
      this.sendToAll(encodeAwarenessMessage(encodeAwarenessUpdate(entries)), this.outgoingAwarenessOrigin ?? null)
      this.outgoingAwareness.clear()
      this.outgoingAwarenessOrigin = undefined
    }
  }

  /** Sends the queued updates now, merged into one frame. */
  private flushUpdates(): void {
    if (this.outgoingUpdates.length === 0) return
    const updates = this.outgoingUpdates
    const origin = this.outgoingUpdatesOrigin ?? null
    this.outgoingUpdates = []
    this.outgoingUpdatesOrigin = undefined
    this.outgoingClocks.clear()
    const update = updates.length === 1 ? updates[0] : Y.mergeUpdates(updates)
    this.sendToAll(encodeUpdateMessage(update), origin)
  }

  private sendToAll(frame: Uint8Array, except: Peer | null): void {
    // ws turns every Uint8Array it sends into a Buffer: do it once per frame, not once per receiver.
    const data = asBuffer(frame)
    let receivers = 0
    for (const peer of this.peers) {
      if (peer !== except && peer.send(data)) receivers++
    }
    this.metrics.recordBroadcast(receivers, frame.length)
  }
}

function asBuffer(frame: Uint8Array): Buffer {
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)
}

function mergeOrigin(current: BatchOrigin, next: Peer | null): BatchOrigin {
  if (current === undefined) return next
  return current === next ? current : null
}
