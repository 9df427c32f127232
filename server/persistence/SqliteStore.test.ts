import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { registerStoreContract } from './contract'
import { openSqliteStore } from './SqliteStore'

registerStoreContract('SQLite', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-sqlite-'))
  return {
    open: async () => openSqliteStore(dir),
    reopen: async () => openSqliteStore(dir),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
})
