/**
 * Upgrades (docs/sync-protocol.md, "Upgrades"): a database made by the
 * previous migration set, or by a release from before migrations were
 * recorded, opens with its content; one from a newer release is refused;
 * `npm run migrate` applies the missing migrations on its own.
 */
import Database from 'better-sqlite3'
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { REPO_ROOT } from '../../testkit/paths'
import { describeWithServices, postgresTestUrl } from '../../testkit/services'
import { FutureSchemaError } from './migrations'
import { openPostgresStore, POSTGRES_MIGRATIONS } from './PostgresStore'
import { migrateSqlite, openSqliteStore, SQLITE_FILE, SQLITE_MIGRATIONS } from './SqliteStore'

function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc()
  doc.getText('t').insert(0, text)
  return Y.encodeStateAsUpdate(doc)
}

function textOf(updates: Uint8Array[]): string {
  const doc = new Y.Doc()
  for (const update of updates) Y.applyUpdate(doc, update)
  return doc.getText('t').toString()
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs a compiled entry point (dist/server/, built by the global setup) the way production runs it. */
function runScript(script: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script],
      { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } as unknown as NodeJS.ProcessEnv, timeout: 60_000, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    )
  })
}

const dirs: string[] = []
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tandem-upgrade-'))
  dirs.push(dir)
  return dir
}

afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true })
})

/** A file as migration set 1 left it, with one document written the way that release wrote it. */
async function sqliteAtSchemaOne(): Promise<string> {
  const dir = await dataDir()
  const db = new Database(path.join(dir, SQLITE_FILE))
  expect(migrateSqlite(db, SQLITE_MIGRATIONS.slice(0, 1))).toMatchObject({ from: 0, to: 1 })
  db.prepare('INSERT INTO doc_updates (doc_id, update_data) VALUES (?, ?)').run('old-doc', textUpdate('written before history'))
  db.close()
  return dir
}

describe('SQLite upgrades', () => {
  // proves: UPGRADE-1
  it('records every migration it applies in schema_migrations, and applies none twice', async () => {
    const dir = await dataDir()
    const first = openSqliteStore(dir)
    expect(first.migrations).toMatchObject({ from: 0, to: 2 })
    await first.close()
    const again = openSqliteStore(dir)
    expect(again.migrations).toEqual({ from: 2, to: 2, applied: [] })
    await again.close()
    const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true })
    const rows = db.prepare<[], { version: number; applied_at: number }>('SELECT version, applied_at FROM schema_migrations ORDER BY version').all()
    db.close()
    expect(rows.map((row) => row.version)).toEqual([1, 2])
    for (const row of rows) expect(Math.abs(row.applied_at - Date.now())).toBeLessThan(60_000)
  })

  // proves: UPGRADE-2
  it('opens a file made by the previous migration set, keeps its content, and records versions on it', async () => {
    const store = openSqliteStore(await sqliteAtSchemaOne())
    try {
      expect(store.migrations).toEqual({ from: 1, to: 2, applied: [{ version: 2, description: expect.any(String) }] })
      expect(textOf((await store.load('old-doc')).updates)).toBe('written before history')
      await store.appendBatch([{ docId: 'old-doc', update: textUpdate('new '), author: { sub: 'u1', name: 'Una' } }])
      const version = await store.createVersion('old-doc', { kind: 'auto', label: null, createdAt: 1, onlyIfChanged: true })
      // The row from before authorship has no author; the new one does.
      expect(version!.authors).toEqual([{ sub: 'u1', name: 'Una' }])
    } finally {
      await store.close()
    }
  })

  // proves: UPGRADE-2

  it('adopts a file from before migrations were recorded as schema version 1', async () => {
    const dir = await dataDir()
    const db = new Database(path.join(dir, SQLITE_FILE))
    // The tables as releases without schema_migrations made them (no state_vector column yet).
    db.exec(`CREATE TABLE doc_snapshots (doc_id TEXT PRIMARY KEY, snapshot BLOB NOT NULL);
      CREATE TABLE doc_updates (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc_id TEXT NOT NULL, update_data BLOB NOT NULL);`)
    db.prepare('INSERT INTO doc_snapshots (doc_id, snapshot) VALUES (?, ?)').run('legacy', textUpdate('legacy'))
    db.close()
    const store = openSqliteStore(dir)
    try {
      expect(store.migrations.applied.map((m) => m.version)).toEqual([1, 2])
      expect(textOf((await store.load('legacy')).updates)).toBe('legacy')
    } finally {
      await store.close()
    }
  })

  // proves: UPGRADE-3

  it('refuses a file from a newer release, and the server exits 3 saying why', async () => {
    const dir = await dataDir()
    openSqliteStore(dir).close()
    const db = new Database(path.join(dir, SQLITE_FILE))
    db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(99, Date.now())
    db.close()
    expect(() => openSqliteStore(dir)).toThrow(FutureSchemaError)
    const run = await runScript('dist/server/main.js', { DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', AUTH_SECRET: 'x'.repeat(40) })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('schema version 99, newer than this server knows (2)')
    const migrate = await runScript('dist/server/migrate.js', { DATA_DIR: dir })
    expect(migrate.code).toBe(3)
    expect(migrate.stderr).toContain('schema version 99')
  })

  // proves: UPGRADE-4

  it('npm run migrate applies the missing migrations, then has nothing to do', async () => {
    const dir = await sqliteAtSchemaOne()
    const first = await runScript('dist/server/migrate.js', { DATA_DIR: dir })
    expect(first.code).toBe(0)
    expect(first.stdout).toContain('applied migration 2: history')
    expect(first.stdout).toContain('schema version 1 → 2')
    const second = await runScript('dist/server/migrate.js', { DATA_DIR: dir })
    expect(second.stdout).toContain('is at schema version 2: nothing to do')
    const db = new Database(path.join(dir, SQLITE_FILE), { readonly: true })
    expect(db.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }])
    db.close()
  })
})

await describeWithServices(['postgres'], 'PostgreSQL upgrades', () => {
  const schemas: string[] = []
  const url = postgresTestUrl()
  const freshSchema = () => {
    const schema = `upgrade_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
    schemas.push(schema)
    return schema
  }
  afterEach(async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    for (const schema of schemas.splice(0)) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await client.end()
  })

  // proves: UPGRADE-2

  it('opens a schema made by the previous migration set and keeps its content', async () => {
    const schema = freshSchema()
    const old = await openPostgresStore({ connectionString: url, schema, migrations: POSTGRES_MIGRATIONS.slice(0, 1) })
    expect(old.migrations.to).toBe(1)
    await old.close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(`INSERT INTO "${schema}".doc_updates (doc_id, update_data) VALUES ($1, $2)`, ['old-doc', Buffer.from(textUpdate('from set one'))])
    await client.end()
    const store = await openPostgresStore({ connectionString: url, schema })
    try {
      expect(store.migrations).toMatchObject({ from: 1, to: 2 })
      const recorded = await new pg.Client({ connectionString: url })
      await recorded.connect()
      const rows = await recorded.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)
      await recorded.end()
      expect(rows.rows.map((row) => row.version)).toEqual([1, 2])
      expect(textOf((await store.load('old-doc')).updates)).toBe('from set one')
      expect(await store.createVersion('old-doc', { kind: 'named', label: 'kept', createdAt: 1 })).toMatchObject({ label: 'kept', authors: [] })
    } finally {
      await store.close()
    }
  })

  // proves: UPGRADE-3

  it('refuses a schema from a newer release', async () => {
    const schema = freshSchema()
    const store = await openPostgresStore({ connectionString: url, schema })
    await store.close()
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    await client.query(`INSERT INTO "${schema}".schema_migrations (version, applied_at) VALUES (7, 0)`)
    await client.end()
    await expect(openPostgresStore({ connectionString: url, schema })).rejects.toThrow(FutureSchemaError)
    const run = await runScript('dist/server/main.js', {
      DATABASE_URL: url,
      DATABASE_SCHEMA: schema,
      PORT: '0',
      HOST: '127.0.0.1',
      AUTH_SECRET: 'x'.repeat(40),
      DATA_DIR: await dataDir(),
    })
    expect(run.code).toBe(3)
    expect(run.stderr).toContain('schema version 7')
  })
})
