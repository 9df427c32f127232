import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { postgresTestUrl, serviceAvailable } from './services'
import { openMigratedDatabase, type Db } from '../app/_data/db'
import { TEST_ARGON2 } from '../app/_data/passwords'
import { createPasswordUser, type PublicUser } from '../app/_data/users'

/**
 * For the web app's data-layer tests (app/_data/*.test.ts, which mock
 * 'server-only' before importing this): a migrated database per test, on
 * SQLite (a fresh temp dir) and, where one answers, on PostgreSQL (a fresh
 * schema), so the same tests prove the SQL is portable (the scale-out setup
 * uses DATABASE_URL).
 */
export interface TestDb {
  db: Db
  cleanup: () => Promise<void>
}

export interface TestDatabaseKind {
  name: 'sqlite' | 'postgres'
  create: () => Promise<TestDb>
}

const sqlite: TestDatabaseKind = {
  name: 'sqlite',
  async create() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-app-test-'))
    const db = await openMigratedDatabase({ dataDir })
    return {
      db,
      cleanup: async () => {
        await db.destroy()
        rmSync(dataDir, { recursive: true, force: true })
      },
    }
  },
}

/** The PostgreSQL to test against: TEST_DATABASE_URL, else a local one (the sync server's tests use the same). */
const POSTGRES_URL = postgresTestUrl()

let schemaCounter = 0

const postgres: TestDatabaseKind = {
  name: 'postgres',
  async create() {
    const schema = `app_test_${process.pid}_${Date.now().toString(36)}_${++schemaCounter}`
    const admin = new pg.Pool({ connectionString: POSTGRES_URL, max: 1 })
    await admin.query(`create schema ${schema}`)
    const url = new URL(POSTGRES_URL)
    url.searchParams.set('options', `-c search_path=${schema}`)
    const db = await openMigratedDatabase({ databaseUrl: url.toString(), dataDir: tmpdir() })
    return {
      db,
      cleanup: async () => {
        await db.destroy()
        await admin.query(`drop schema ${schema} cascade`)
        await admin.end()
      },
    }
  },
}

/**
 * SQLite always; PostgreSQL when it answers. Where it does not, the PostgreSQL
 * run is skipped with a loud banner, and under CI the run fails instead.
 */
export async function testDatabaseKinds(): Promise<TestDatabaseKind[]> {
  return (await serviceAvailable('postgres')) ? [sqlite, postgres] : [sqlite]
}

/** The SQLite test database, for tests that need only one. */
export const createTestDb = sqlite.create

let counter = 0

export async function addUser(db: Db, name: string): Promise<PublicUser> {
  counter += 1
  const result = await createPasswordUser(
    db,
    { name, email: `${name.toLowerCase()}-${counter}@example.test`, password: 'correct horse battery' },
    TEST_ARGON2,
  )
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result.user
}
