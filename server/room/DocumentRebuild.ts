/**
 * Putting a room's document back as it was when an update failed inside Yjs.
 *
 * Every update is decoded in full before it is applied (protocol.ts), but a
 * crafted one can decode and still throw while Yjs integrates it, after part
 * of it is in the document. Yjs cannot take that part out again (deleted
 * content is collected at the end of the same transaction), so the room
 * builds its document afresh from what it had accepted: the store's rows
 * plus the updates queued for the store and not yet written. Both are read
 * only now, on the rare failure: the hot path keeps no copy of anything.
 *
 * The store answers asynchronously, so while the document is being rebuilt
 * whatever would touch it (frames from peers, joins, traffic from other
 * instances) waits here, in order, and runs once the new document is in
 * place. The room's other peers stay connected throughout.
 */
import type { Logger } from 'pino'
import type * as Y from 'yjs'
import type { DocumentStore } from '../persistence/DocumentStore'
import { buildDocument } from './ColdDocument'
import type { PersistSink } from './deps'

/**
 * Peer frames waiting for a rebuild, in bytes per room; past this a peer's
 * next frame closes it with 1013 (docs/sync-protocol.md, "Close codes")
 * rather than be held without end while the store cannot answer.
 */
export const MAX_REBUILD_BACKLOG_BYTES = 32 * 1024 * 1024

const RETRY_DELAYS_MS = [100, 500, 1_000, 5_000]

export interface DocumentRebuildDeps {
  docId: string
  store: Pick<DocumentStore, 'load'>
  persistQueue: Pick<PersistSink, 'queuedFor'>
  log: Logger
}

export class DocumentRebuild {
  private backlog: Array<() => void> = []
  private backlogBytes = 0
  private running: Promise<void> | null = null
  private cancelled = false
  private retryTimer: NodeJS.Timeout | null = null
  private wake: (() => void) | null = null

  constructor(private readonly deps: DocumentRebuildDeps) {}

  /** True from the failure until the rebuilt document is in place and the backlog has run. */
  get active(): boolean {
    return this.running !== null
  }

  /**
   * Holds `task` until the rebuilt document is in place. A peer's frame
   * passes its size: returns false (and holds nothing) when the backlog is full.
   */
  defer(task: () => void, peerBytes = 0): boolean {
    if (peerBytes > 0 && this.backlogBytes + peerBytes > MAX_REBUILD_BACKLOG_BYTES) return false
    this.backlogBytes += peerBytes
    this.backlog.push(task)
    return true
  }

  /** Starts a rebuild (one at a time); `install` puts the new document in place before the backlog runs. */
  start(install: (doc: Y.Doc) => void): void {
    if (this.running || this.cancelled) return
    this.running = this.run(install)
  }

  /** Resolves once no rebuild is running (at once when none is). */
  async settled(): Promise<void> {
    while (this.running) await this.running
  }

  /** The room is going away: stop, and drop what waits. */
  cancel(): void {
    this.cancelled = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.wake?.()
    this.backlog = []
    this.backlogBytes = 0
  }

  private async run(install: (doc: Y.Doc) => void): Promise<void> {
    const { docId, store, persistQueue, log } = this.deps
    const started = performance.now()
    for (let attempt = 0; !this.cancelled; attempt++) {
      // The queue first, then the store: an update written in between is in one or the other, or in
      // both (applying an update twice changes nothing). Nothing new is queued meanwhile: applying waits.
      const queued = persistQueue.queuedFor(docId)
      try {
        const stored = await store.load(docId)
        if (this.cancelled) break
        install(buildDocument([...stored.updates, ...queued], log))
        log.warn({ ms: Math.round(performance.now() - started), stored: stored.updates.length, queued: queued.length }, 'document rebuilt')
        break
      } catch (error) {
        const delayMs = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]
        log.error({ err: error, retryInMs: delayMs }, 'rebuilding the document failed')
        await new Promise<void>((resolve) => {
          this.wake = resolve
          this.retryTimer = setTimeout(resolve, delayMs)
        })
        this.retryTimer = null
        this.wake = null
      }
    }
    this.running = null
    const tasks = this.backlog
    this.backlog = []
    this.backlogBytes = 0
    if (this.cancelled) return
    // A task that meets another failure starts another rebuild; the tasks after it then wait again, in order.
    for (const task of tasks) task()
  }
}
