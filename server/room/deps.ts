/**
 * What a room needs from the rest of the server, each as the smallest
 * interface that will do, so a unit test can stand in for any of them.
 */
import type { Logger } from 'pino'
import type { Fanout } from '../fanout/Fanout'
import type { PersistTarget } from '../PersistQueue'
import type { DocumentStore } from '../persistence/DocumentStore'
import type { Author } from '../persistence/history'
import type { Peer } from './Peer'
import type { Room } from './Room'

/** Where a room's changes go to be stored (PersistQueue: group commit). */
export interface PersistSink {
  /** `author` is stored with the update (who changed the document: the history's authorship). */
  enqueue(target: PersistTarget, update: Uint8Array, author?: Author): void
  /** Is anything of this document queued or being written? */
  hasPendingFor(docId: string): boolean
  /** The updates of this document queued or being written, in order (to rebuild the document). */
  queuedFor(docId: string): Uint8Array[]
}

/** Counts what a room sends (ServerMetrics). */
export interface BroadcastMetrics {
  /** One frame sent to `receivers` peers: called once per frame, never once per receiver. */
  recordBroadcast(receivers: number, frameBytes: number): void
}

/** The store as a loaded room uses it: to fold its log into a snapshot, and to rebuild its document. */
export type CompactingStore = Pick<DocumentStore, 'compact' | 'load'>

/** The relay to other instances as a room uses it (subscribing is the registry's). */
export type RoomFanout = Pick<Fanout, 'shared' | 'publish'>

/** Bounds on one connection's presence (docs/sync-protocol.md, "Presence"). */
export interface PresenceLimits {
  /** One state's JSON, in UTF-8 bytes; a larger one closes its connection with 1009. */
  maxAwarenessBytes: number
  /** Client IDs one connection may introduce; one more closes it with 1008. */
  maxAwarenessClients: number
}

/** When automatic versions are made, and how (AutoVersions.ts). */
export interface VersionTimes {
  /** Quiet this long after a change: record a version. */
  idleMs: number
  /** Changes going on this long since the first unversioned one: record a version anyway. */
  maxMs: number
  /** Stores what is queued and records an automatic version (nothing when nothing changed since the last). */
  record(docId: string): Promise<unknown>
}

/** Told when a client's update to the document was stored (EditReporter: the web app's "last edited"). */
export interface EditSink {
  stored(docId: string, userId: string): void
}

export interface RoomDeps {
  /** Automatic versions; none when unset (unit tests of other parts). */
  versions?: VersionTimes
  store: CompactingStore
  persistQueue: PersistSink
  fanout: RoomFanout
  metrics: BroadcastMetrics
  /** Fold the log into a snapshot once it holds this many updates. */
  compactAfterUpdates: number
  /** A document unchanged this long is kept as bytes until needed again (Cooling.ts); 0 or unset: never. */
  coldAfterMs?: number
  /** Defaults to MAX_AWARENESS_BYTES' and MAX_AWARENESS_CLIENTS' defaults. */
  presenceLimits?: PresenceLimits
  log: Logger
  /** Edit reports (EDIT_WEBHOOK_URL); none when unset. */
  edits?: EditSink
  /** The last peer left (the registry starts the idle countdown). */
  onEmpty?: (room: Room) => void
}

/**
 * Where a change came from: decides whether it is stored and published (the
 * transaction origin of the Y.Doc update, as Hocuspocus tags them).
 */
export type UpdateOrigin =
  | { source: 'client'; peer: Peer }
  /** An API write or a restore, attributed to the token that asked for it. */
  | { source: 'api'; author?: Author }
  /** From another instance, or re-read from the store after an outage: stored already, published already. */
  | { source: 'fanout' }
