import 'server-only'
import { getConfig } from './config'
import { getDb } from './db'
import type { Deps } from './operations'
import { createSyncAdmin } from './syncAdmin'

/** The real dependencies of the use cases in operations.ts: the database and the sync server. */
export async function getDeps(): Promise<Deps> {
  const config = getConfig()
  return { db: await getDb(), sync: createSyncAdmin({ baseUrl: config.syncHttpUrl, secret: config.authSecret }) }
}
