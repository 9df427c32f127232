import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openMigratedDatabase, type Db } from './db'
import { createPasswordUser, type PublicUser } from './users'

/**
 * For unit tests: a migrated SQLite database in a fresh temp dir, and a way
 * to add users quickly (bcrypt cost 4 instead of 10).
 */
export async function createTestDb(): Promise<{ db: Db; dataDir: string; cleanup: () => Promise<void> }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-app-test-'))
  const db = await openMigratedDatabase({ dataDir })
  return {
    db,
    dataDir,
    cleanup: async () => {
      await db.destroy()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

let counter = 0

export async function addUser(db: Db, name: string): Promise<PublicUser> {
  counter += 1
  const result = await createPasswordUser(
    db,
    { name, email: `${name.toLowerCase()}-${counter}@example.test`, password: 'correct horse battery' },
    4,
  )
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result.user
}
