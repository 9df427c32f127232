/**
 * Group commit: updates from every room are collected and written to the store
 * together, at most `intervalMs` after the first one arrived, in one
 * transaction. Updates are promised durable within one second
 * (docs/sync-protocol.md, "Durability and shutdown"); a write per message
 * would block the event loop (SQLite) or flood the pool (PostgreSQL).
 *
 * Writes are strictly sequential, so a batch's state vectors describe exactly
 * what is durable once it commits. On a store failure the batch goes back to
 * the front of the queue and is retried with backoff; rooms stay in memory and
 * /healthz reports the failure.
 */
import type { Logger } from 'pino'
import type { DocumentStore } from './persistence/DocumentStore'
import type { Author } from './persistence/history'
import type { PersistSink } from './room/deps'

/** A room as the queue sees it. */
export interface PersistTarget {
  readonly docId: string
  /** The room's current state vector (after the batch commits, this much is durable), or null if nobody needs it. */
  currentStateVector(): Uint8Array | null
  onPersisted(result: { lastSeq: number; count: number; stateVector: Uint8Array | null }): void
}

interface Pending {
  target: PersistTarget
  update: Uint8Array
  author: Author | undefined
}

export interface PersistQueueOptions {
  intervalMs: number
  /** Observed once per batch, in seconds. */
  onBatchWritten?: (seconds: number) => void
  onBatchFailed?: (error: Error) => void
}

const MAX_RETRY_DELAY_MS = 5_000

export class PersistQueue implements PersistSink {
  private pending: Pending[] = []
  /** The batch being written now. */
  private inFlight: Pending[] = []
  private timer: NodeJS.Timeout | null = null
  private writing: Promise<void> | null = null
  private failures = 0
  /** The last write error, cleared by the next successful write (for /healthz). */
  lastError: Error | null = null

  constructor(
    private readonly store: DocumentStore,
    private readonly options: PersistQueueOptions,
    private readonly log: Logger,
  ) {}

  get size(): number {
    return this.pending.length
  }

  enqueue(target: PersistTarget, update: Uint8Array, author?: Author): void {
    this.pending.push({ target, update, author })
    this.schedule(this.options.intervalMs)
  }

  /** Is anything for this document queued or being written? */
  hasPendingFor(docId: string): boolean {
    const isFor = (entry: Pending) => entry.target.docId === docId
    return this.pending.some(isFor) || this.inFlight.some(isFor)
  }

  /**
   * The updates of `docId` queued or being written, in order: with what the
   * store holds, everything the room accepted (a room rebuilding its
   * document reads them; a rare path, so a scan).
   */
  queuedFor(docId: string): Uint8Array[] {
    return [...this.inFlight, ...this.pending].filter((entry) => entry.target.docId === docId).map((entry) => entry.update)
  }

  /** Drops queued updates of a deleted document, so a late write cannot bring it back. */
  discard(docId: string): void {
    this.pending = this.pending.filter((entry) => entry.target.docId !== docId)
  }

  /** Writes everything queued so far; resolves when it is durable. */
  async flush(): Promise<void> {
    while (this.writing || this.pending.length > 0) {
      if (this.writing) await this.writing
      else await this.writeBatch()
      // The store is failing: wait before trying again rather than spin.
      if (this.lastError && this.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs()))
    }
  }

  /** Stops the timer; `flush()` first if queued updates matter. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.writing) return
    this.timer = setTimeout(() => {
      this.timer = null
      void this.writeBatch()
    }, delayMs)
  }

  private writeBatch(): Promise<void> {
    if (this.writing) return this.writing
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    const batch = this.pending
    this.pending = []
    if (batch.length === 0) return Promise.resolve()
    this.inFlight = batch
    this.writing = this.write(batch).finally(() => {
      this.writing = null
      this.inFlight = []
      if (this.pending.length > 0) this.schedule(this.retryDelayMs())
    })
    return this.writing
  }

  private async write(batch: Pending[]): Promise<void> {
    // Captured before the await: every update applied so far is in this batch or an earlier one.
    const stateVectors = new Map<PersistTarget, Uint8Array | null>()
    for (const { target } of batch) {
      if (!stateVectors.has(target)) stateVectors.set(target, target.currentStateVector())
    }
    const started = performance.now()
    let lastSeqByDoc: Map<string, number>
    try {
      lastSeqByDoc = await this.store.appendBatch(batch.map(({ target, update, author }) => ({ docId: target.docId, update, author })))
    } catch (error) {
      this.failures++
      this.lastError = error as Error
      this.options.onBatchFailed?.(this.lastError)
      this.log.error({ err: error, updates: batch.length, retryInMs: this.retryDelayMs() }, 'persisting updates failed')
      this.pending = batch.concat(this.pending)
      return
    }
    this.failures = 0
    this.lastError = null
    this.options.onBatchWritten?.((performance.now() - started) / 1000)
    const counts = new Map<PersistTarget, number>()
    for (const { target } of batch) counts.set(target, (counts.get(target) ?? 0) + 1)
    for (const [target, count] of counts) {
      target.onPersisted({ lastSeq: lastSeqByDoc.get(target.docId) ?? 0, count, stateVector: stateVectors.get(target) ?? null })
    }
  }

  private retryDelayMs(): number {
    if (this.failures === 0) return this.options.intervalMs
    return Math.min(MAX_RETRY_DELAY_MS, this.options.intervalMs * 2 ** this.failures)
  }
}
