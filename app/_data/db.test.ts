/**
 * The web app's SQLite file holds accounts and password hashes: DATA_DIR is
 * 0700 and app.db with its WAL and SHM files 0600, whatever the umask (the
 * sync server's own files: server/test/config.test.ts).
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { postgresTestUrl, serviceAvailable } from '@/testkit/services'

vi.mock('server-only', () => ({}))
const { openDatabase, openMigratedDatabase, SQLITE_FILE } = await import('./db')
const { migrateToLatest, migrations } = await import('./migrations')
const { Migrator } = await import('kysely')

const dirs: string[] = []
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8)

describe('the SQLite app database', () => {
  it('creates DATA_DIR 0700 and app.db, -wal and -shm 0600, even under umask 000', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'tandem-app-db-'))
    dirs.push(parent)
    const dataDir = path.join(parent, 'data')
    const umask = process.umask(0)
    try {
      const db = await openMigratedDatabase({ dataDir })
      try {
        const file = path.join(dataDir, SQLITE_FILE)
        const files = [file, `${file}-wal`, `${file}-shm`]
        expect(files.every((f) => existsSync(f))).toBe(true)
        expect(mode(dataDir)).toBe('700')
        for (const f of files) expect(mode(f), path.basename(f)).toBe('600')
      } finally {
        await db.destroy()
      }
    } finally {
      process.umask(umask)
    }
  })
})

describe('the accounts migration', () => {
  it('counts accounts made before it as verified, at session version 0', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-app-db-'))
    dirs.push(dataDir)
    const db = openDatabase({ dataDir })
    try {
      const before = Object.fromEntries(Object.entries(migrations).filter(([name]) => name < '2026_12_02_030'))
      await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest()
      await db
        .insertInto('users')
        .values({ id: 'u1', email: 'old@example.test', name: 'Old', password_hash: null, created_at: '2026-11-30T10:00:00.000Z' } as never)
        .execute()
      await migrateToLatest(db)
      const row = await db.selectFrom('users').select(['email_verified_at', 'session_version']).where('id', '=', 'u1').executeTakeFirstOrThrow()
      expect(row).toEqual({ email_verified_at: '2026-11-30T10:00:00.000Z', session_version: 0 })
    } finally {
      await db.destroy()
    }
  })
})

describe.skipIf(!(await serviceAvailable('postgres')))('the PostgreSQL app database', () => {
  it("migrates its own schema when another schema of the database holds Kysely's tables (another app's, or a test's left behind)", async () => {
    const admin = new pg.Pool({ connectionString: postgresTestUrl(), max: 1 })
    const suffix = `${process.pid}_${Date.now().toString(36)}`
    const [other, ours] = [`app_other_${suffix}`, `app_ours_${suffix}`]
    try {
      await admin.query(`create schema ${other}; create schema ${ours}`)
      await admin.query(`create table ${other}.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`)
      await admin.query(`create table ${other}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`)
      const url = new URL(postgresTestUrl())
      url.searchParams.set('options', `-c search_path=${ours}`)
      const db = await openMigratedDatabase({ databaseUrl: url.toString(), dataDir: tmpdir() })
      try {
        const applied = await admin.query(`select count(*)::int as n from ${ours}.kysely_migration`)
        expect(applied.rows[0].n).toBe(Object.keys(migrations).length)
        // The other schema's tables are untouched.
        expect((await admin.query(`select count(*)::int as n from ${other}.kysely_migration`)).rows[0].n).toBe(0)
      } finally {
        await db.destroy()
      }
    } finally {
      await admin.query(`drop schema if exists ${other} cascade; drop schema if exists ${ours} cascade`)
      await admin.end()
    }
  })
})
