import 'server-only'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { ensurePrivateDir, preparePrivateSqliteFile } from '@/lib/node/privateFiles'
import { getConfig } from './config'
import { migrateToLatest } from './migrations'
import type { Database } from './schema'

export type Db = Kysely<Database>

export interface DatabaseOptions {
  /** `postgres://…`: use PostgreSQL. Otherwise SQLite in `dataDir`. */
  databaseUrl?: string
  dataDir: string
}

/** The SQLite file, beside the sync server's own store in DATA_DIR. */
export const SQLITE_FILE = 'app.db'

/**
 * Opens the metadata database (not yet migrated). Exported for tests, which
 * open one per temp dir; the app uses {@link getDb}.
 */
export function openDatabase(options: DatabaseOptions): Db {
  if (options.databaseUrl) {
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.databaseUrl, max: 10 }) }),
    })
  }
  // Accounts and password hashes: DATA_DIR 0700, the file and its WAL/SHM companions 0600, whatever the umask.
  ensurePrivateDir(options.dataDir)
  const file = path.join(/*turbopackIgnore: true*/ options.dataDir, SQLITE_FILE)
  preparePrivateSqliteFile(file)
  const sqlite = new SqliteDatabase(file)
  // WAL lets readers run beside the one writer (several app processes may share the file);
  // the busy timeout turns a momentary lock into a short wait instead of an error.
  sqlite.pragma('journal_mode = WAL')
  sqlite.pragma('busy_timeout = 5000')
  // SQLite ignores REFERENCES … ON DELETE CASCADE unless this is on, per connection.
  sqlite.pragma('foreign_keys = ON')
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) })
}

/** Opens and migrates: what a process does once at start. */
export async function openMigratedDatabase(options: DatabaseOptions): Promise<Db> {
  const db = openDatabase(options)
  await migrateToLatest(db)
  return db
}

// Kept on globalThis so `next dev`'s module reloads reuse one connection pool.
const globalForDb = globalThis as unknown as { tandemDb?: Promise<Db> }

/** The process-wide database, migrated on first use (that is, on the first request after start). */
export function getDb(): Promise<Db> {
  if (!globalForDb.tandemDb) {
    const { databaseUrl, dataDir } = getConfig()
    globalForDb.tandemDb = openMigratedDatabase({ databaseUrl, dataDir }).catch((error) => {
      globalForDb.tandemDb = undefined // let the next request retry rather than fail forever
      throw error
    })
  }
  return globalForDb.tandemDb
}
