import 'server-only'
import { getConfig } from './config'
import { getDb } from './db'
import { getLive } from './events/live'
import type { Outgoing } from './mail/outgoing'
import type { Deps } from './operations'
import { createSyncAdmin } from './syncAdmin'
import { createSyncContent, type SyncContent } from './syncContent'
import { processSearchIndexer, type SearchIndexer } from './search/indexer'

/**
 * The real dependencies of the use cases in operations.ts: the database, the
 * sync server, the live-event bus and, where links are mailed, the mail queue.
 */
export async function getDeps(mail?: Outgoing): Promise<Deps> {
  const config = getConfig()
  const [db, live] = await Promise.all([getDb(), getLive()])
  return { db, sync: createSyncAdmin({ baseUrl: config.syncHttpUrl, secret: config.authSecret }), bus: live.bus, mail }
}

/** The sync server's stored content, read and written as the given user (export, import, the search index). */
export function getSyncContent(): SyncContent {
  const config = getConfig()
  return createSyncContent({ baseUrl: config.syncHttpUrl, secret: config.authSecret })
}

/** This process's search indexer (app/_data/search/indexer.ts), reading documents from the sync server. */
export function getSearchIndexer(): SearchIndexer {
  return processSearchIndexer(async () => ({ db: await getDb(), content: getSyncContent(), log: (message) => console.warn(message) }))
}
