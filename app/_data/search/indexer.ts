import 'server-only'
import { documentFromUpdate } from '../convert/yjsDocument'
import { toPlainText } from '../convert/plainText'
import type { Db } from '../db'
import { nowIso } from '../ids'
import { SyncServerError } from '../syncError'
import type { SyncContent } from '../syncContent'
import { staleDocuments, writeIndexEntry } from './searchIndex'

/**
 * Feeds the search index from stored content, never from a browser: a
 * document whose `updated_at` is newer than its index entry (an edit report
 * from the sync server bumps it, so does a rename) is read back through
 * `GET /docs/<id>/update` and its title and text written to the index.
 *
 * The time written as `indexed_at` is taken before the read: an edit stored
 * while the read is on its way bumps `updated_at` past it, so the document
 * is read again on the next round and no edit is ever left out.
 */
export interface IndexerDeps {
  db: Db
  content: SyncContent
  log?: (message: string) => void
}

/** Documents read per round: keeps one round short while a large backlog (a first start) is worked through. */
export const INDEX_BATCH = 50

/** Indexes up to `batch` stale documents; returns how many were written. Stops early when the sync server is unreachable. */
export async function indexStaleDocuments(deps: IndexerDeps, batch = INDEX_BATCH): Promise<number> {
  let written = 0
  for (const document of await staleDocuments(deps.db, batch)) {
    const indexedAt = nowIso()
    let body = ''
    try {
      // Read as the owner, whose access the sync server never lowers.
      body = toPlainText(documentFromUpdate(await deps.content.read(document.id, { id: document.ownerId })).content)
    } catch (error) {
      // Unreachable: try the whole round again later. Refused (being deleted) or unreadable: index the
      // title alone, so one bad document is not read again and again until its next edit.
      if (error instanceof SyncServerError && error.status === undefined) {
        deps.log?.(`search index: ${error.message}`)
        break
      }
      deps.log?.(`search index: document ${document.id} could not be read (${(error as Error).message}); indexing its title only`)
    }
    await writeIndexEntry(deps.db, { documentId: document.id, title: document.title, body, indexedAt })
    written += 1
  }
  return written
}

/**
 * The web app process's indexer: a round every `intervalMs`, and one at once
 * when nudged (an edit report just came in). Rounds never overlap; one
 * asked for while a round runs follows it.
 */
export class SearchIndexer {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false

  constructor(
    private readonly deps: () => Promise<IndexerDeps>,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.nudge(), this.intervalMs)
    this.timer.unref()
    this.nudge()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }

  nudge(): void {
    if (this.running) {
      this.again = true
      return
    }
    this.running = this.round().finally(() => {
      this.running = null
      if (this.again) {
        this.again = false
        this.nudge()
      }
    })
  }

  private async round(): Promise<void> {
    try {
      const deps = await this.deps()
      // A full batch means more are waiting: go on at once rather than a whole interval later.
      while ((await indexStaleDocuments(deps)) === INDEX_BATCH) {
        /* next batch */
      }
    } catch (error) {
      console.error(`search index: ${(error as Error).message}`)
    }
  }
}

/** How often a web app process looks for documents to index when no edit report nudges it. */
export const INDEX_INTERVAL_MS = 2000

const globalForIndexer = globalThis as unknown as { tandemSearchIndexer?: SearchIndexer }

/** This process's indexer (one per process, surviving `next dev` reloads). */
export function processSearchIndexer(deps: () => Promise<IndexerDeps>): SearchIndexer {
  return (globalForIndexer.tandemSearchIndexer ??= new SearchIndexer(deps, INDEX_INTERVAL_MS))
}
