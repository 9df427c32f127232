/**
 * Where documents live between server runs. The sync server depends only on this
 * interface; SQLite (default) and PostgreSQL implement it, and both must pass the
 * contract suite in `contract.ts`.
 *
 * A document is stored as an optional snapshot plus an append-only log of Yjs
 * updates, each with a sequence number that only grows. Compaction replaces the
 * snapshot and a prefix of the log (up to a sequence number) in one transaction,
 * so updates appended meanwhile, by this process or another, are never lost.
 */
import type { LiveAccess } from '../../lib/access'
import type { Author, NewVersion, VersionPage, VersionRecord } from './history'
import type { MigrationReport } from './migrations'

export interface StoredDocument {
  /** The snapshot (if any) followed by every logged update, in append order. */
  updates: Uint8Array[]
  /**
   * The snapshot's state vector, saved with it at compaction, or null (no
   * snapshot). Lets a cold room state what it holds without building the document.
   */
  snapshotStateVector: Uint8Array | null
  /** Sequence number of the last logged update included, or 0 when the log is empty. */
  lastSeq: number
  /** How many log entries (not counting the snapshot) `updates` holds. */
  logLength: number
}

/** What a compaction's fold returns: the new snapshot and its state vector. */
export interface FoldedSnapshot {
  update: Uint8Array
  stateVector: Uint8Array
}

export interface AppendEntry {
  docId: string
  update: Uint8Array
  /** Who sent it (the token's sub and name); stored with the row. */
  author?: Author
}

export interface AccessChange {
  access: LiveAccess
  /** Seconds since the epoch, comparable with a token's `iat`. */
  changedAt: number
}

/** What the token check needs to know about a document beyond the token itself. */
export interface DocumentPolicy {
  /** Seconds since the epoch of the last deletion, or null if never deleted. */
  deletedAt: number | null
  /** The last access change for this user on this document, if any. */
  accessChange: AccessChange | null
}

export interface DocumentStore {
  /** Everything stored for `docId`; an unknown document has no updates, a lastSeq and logLength of 0. */
  load(docId: string): Promise<StoredDocument>
  /**
   * Appends many updates, possibly for many documents, in one durable
   * transaction: all are stored or none. Returns the last sequence number
   * written per document.
   */
  appendBatch(entries: readonly AppendEntry[]): Promise<Map<string, number>>
  /**
   * Folds the snapshot and every log entry with seq <= `throughSeq` into a new
   * snapshot: reads them, calls `fold` on them (in order), stores the result and
   * removes those entries, all in one transaction under a per-document lock.
   * A fold that returns null changes nothing (the entries stay as they are).
   * Folding what is *stored* rather than what one process holds in memory is
   * what makes compaction safe while several instances append to the same
   * document: an entry another instance wrote is folded, never dropped.
   *
   * Once the document has a version, `fold` is no longer used: the rows
   * between two versions are merged into one row instead (history.ts,
   * `planSegmentMerges`), so every version's state stays byte for byte.
   */
  compact(docId: string, throughSeq: number, fold: (updates: Uint8Array[]) => FoldedSnapshot | null): Promise<void>
  /**
   * Records a version at the last logged update, with the authors of every
   * row since the previous version, in one transaction with the same lock
   * compaction takes. Null when `onlyIfChanged` and nothing was logged since.
   */
  createVersion(docId: string, version: NewVersion): Promise<VersionRecord | null>
  /** The document's versions, newest first. */
  listVersions(docId: string, page: VersionPage): Promise<VersionRecord[]>
  /** One version of this document, or null (unknown id, or another document's). */
  getVersion(docId: string, id: number): Promise<VersionRecord | null>
  /** The snapshot and every logged update with seq <= `seq`, in order: a version's rows. */
  loadThrough(docId: string, seq: number): Promise<Uint8Array[]>
  /** What opening the store migrated (`npm run migrate` prints it). */
  readonly migrations: MigrationReport
  /** Removes the document's content, its history, and records when it was deleted. */
  deleteDocument(docId: string, deletedAt: number): Promise<void>
  /** Records an access change for one user on one document (the last one wins). */
  recordAccessChange(docId: string, sub: string, change: AccessChange): Promise<void>
  getPolicy(docId: string, sub: string): Promise<DocumentPolicy>
  /** Resolves when the store can serve; rejects with the reason when it cannot (for /healthz). */
  ping(): Promise<void>
  close(): Promise<void>
}
