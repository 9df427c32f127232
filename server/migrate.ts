/**
 * `npm run migrate`: brings the configured store (DATA_DIR's SQLite file, or
 * DATABASE_URL's schema) to this release's schema and says what it did, then
 * exits. The server does the same on start; this lets an operator upgrade
 * the database on its own, before rolling out new instances (UPGRADE-4).
 * Exit status: 0 done, 2 bad configuration, 3 the database is newer than
 * this release, 1 anything else.
 */
import { readConfig } from './config'
import type { DocumentStore } from './persistence/DocumentStore'
import { FutureSchemaError } from './persistence/migrations'
import { openSqliteStore } from './persistence/SqliteStore'

async function migrate(): Promise<number> {
  let config
  try {
    config = readConfig()
  } catch (error) {
    console.error(`tandem-migrate: ${(error as Error).message}`)
    return 2
  }
  let store: DocumentStore
  try {
    if (config.DATABASE_URL) {
      const { openPostgresStore } = await import('./persistence/PostgresStore')
      store = await openPostgresStore({ connectionString: config.DATABASE_URL, schema: config.DATABASE_SCHEMA })
    } else {
      store = openSqliteStore(config.DATA_DIR)
    }
  } catch (error) {
    console.error(`tandem-migrate: ${(error as Error).message}`)
    return error instanceof FutureSchemaError ? 3 : 1
  }
  const { from, to, applied } = store.migrations
  const where = config.DATABASE_URL ? `PostgreSQL schema ${config.DATABASE_SCHEMA}` : `${config.DATA_DIR}/tandem.db`
  for (const migration of applied) console.log(`applied migration ${migration.version}: ${migration.description}`)
  console.log(applied.length === 0 ? `${where} is at schema version ${to}: nothing to do` : `${where}: schema version ${from} → ${to}`)
  await store.close()
  return 0
}

void migrate().then((status) => process.exit(status))
