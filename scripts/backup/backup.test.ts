/**
 * `npm run backup` while two clients type, then `npm run restore` into a
 * fresh place and a server started on it: every document and member as of
 * the backup is there. On SQLite (the default install) and on PostgreSQL.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import * as Y from 'yjs'
import { describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))
vi.setConfig({ testTimeout: 180_000 })

const { openMigratedDatabase } = await import('../../app/_data/db')
const { addUser } = await import('../../testkit/appDb')
const { createDocument } = await import('../../app/_data/documents')
const { listMembers, setMembership } = await import('../../app/_data/sharing')
const { postgresTestUrl, serviceAvailable } = await import('../../testkit/services')
const { REPO_ROOT, connectClient, defer, eventually, spawnServer, tempDir } = await import('../../server/test/harness')
const { signAccessToken } = await import('../../lib/token')
const { sha256File } = await import('./manifest')

interface Run {
  code: number | null
  output: string
}

/** `npm run <script> -- <args>` in the repository, asynchronously (the clients keep typing meanwhile). */
function npmRun(script: string, args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve) => {
    const merged = {} as NodeJS.ProcessEnv
    for (const [key, value] of Object.entries({ ...process.env, ...env })) if (value !== undefined) merged[key] = value
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: REPO_ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.once('exit', (code) => resolve({ code, output }))
  })
}

/** Where a backup is taken from and restored to: a DATA_DIR, and for PostgreSQL a database. */
interface Place {
  dataDir: string
  databaseUrl?: string
}

/** The environment both servers and both scripts get for `place` (no AUTH_SECRET: the generated one is part of the backup). */
function envOf(place: Place): Record<string, string | undefined> {
  return { DATA_DIR: place.dataDir, DATABASE_URL: place.databaseUrl, AUTH_SECRET: undefined }
}

async function fetchDocument(httpUrl: string, secret: string, documentId: string): Promise<Uint8Array> {
  const token = await signAccessToken(secret, { sub: 'backup-test', doc: documentId, access: 'read' })
  const response = await fetch(`${httpUrl}/docs/${documentId}/update`, { headers: { authorization: `Bearer ${token}` } })
  expect(response.status).toBe(200)
  return new Uint8Array(await response.arrayBuffer())
}

/** Whether everything in `part` is already in `whole` (applying it adds nothing). */
function contains(whole: Uint8Array, part: Uint8Array): boolean {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, whole)
  const before = Y.encodeStateVector(doc)
  Y.applyUpdate(doc, part)
  return Buffer.from(Y.encodeStateVector(doc)).equals(Buffer.from(before))
}

const textOf = (update: Uint8Array) => {
  const doc = new Y.Doc()
  Y.applyUpdate(doc, update)
  return doc.getText('text').toString()
}

async function backUpWhileTyping(from: Place, to: Place, backupDir: string) {
  // The web app's data: two people and a shared document, its database open as a running web app's would be.
  const webDb = await openMigratedDatabase({ dataDir: from.dataDir, databaseUrl: from.databaseUrl })
  defer(() => webDb.destroy())
  const alice = await addUser(webDb, 'Alice')
  const bob = await addUser(webDb, 'Bob')
  const document = await createDocument(webDb, alice.id, 'Backed up')
  await setMembership(webDb, document.id, bob.id, 'editor')

  const server = await spawnServer({ env: { ...envOf(from), DATABASE_SCHEMA: 'tandem' } })
  const secret = readFileSync(path.join(from.dataDir, 'auth-secret'), 'utf8').trim()
  const clients = [alice, bob].map(() => connectClient(server, document.id, '', { connect: false }))
  for (const [index, client] of clients.entries()) {
    client.provider.params.token = await signAccessToken(secret, { sub: [alice, bob][index].id, doc: document.id, access: 'write' })
    client.provider.connect()
    await client.waitSynced()
  }
  // Both type, a key every few milliseconds each, until told to stop.
  let typing = true
  const typists = clients.map(async (client, index) => {
    for (let key = 0; typing; key++) {
      const text = client.doc.getText('text')
      text.insert(text.length, index === 0 ? 'a' : 'b')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  })
  // What the store already holds when the backup starts must all be in it.
  await eventually(async () => expect(textOf(await fetchDocument(server.httpUrl, secret, document.id)).length).toBeGreaterThan(50))
  // A named version in the history, as someone would make before the backup.
  const writeToken = await signAccessToken(secret, { sub: alice.id, doc: document.id, access: 'write' })
  const named = await fetch(`${server.httpUrl}/docs/${document.id}/versions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${writeToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'before the backup' }),
  })
  expect(named.status).toBe(201)
  const storedBefore = await fetchDocument(server.httpUrl, secret, document.id)
  const backup = await npmRun('backup', [backupDir], envOf(from))
  // Typing went on through the backup, on both clients.
  const storedAfter = await fetchDocument(server.httpUrl, secret, document.id)
  typing = false
  await Promise.all(typists)
  expect(backup.code, backup.output).toBe(0)
  expect(textOf(storedAfter).length).toBeGreaterThan(textOf(storedBefore).length)

  // ---- The manifest: versions, and a checksum per file that matches it.
  const manifest = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8'))
  expect(manifest.versions.tandem).toBe(JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version)
  expect(manifest.versions.node).toBe(process.version)
  for (const file of manifest.files) {
    expect(await sha256File(path.join(backupDir, file.name)), file.name).toBe(file.sha256)
    expect(statSync(path.join(backupDir, file.name)).mode & 0o077, `${file.name} is private`).toBe(0)
  }

  // ---- Restore into the fresh place, start a server there.
  const restore = await npmRun('restore', [backupDir], envOf(to))
  expect(restore.code, restore.output).toBe(0)
  const restored = await spawnServer({ env: { ...envOf(to), DATABASE_SCHEMA: 'tandem' } })
  // The same generated secret came back: tokens signed before still open the document.
  const restoredDocument = await fetchDocument(restored.httpUrl, secret, document.id)
  expect(contains(restoredDocument, storedBefore), 'everything stored before the backup began is restored').toBe(true)
  // The history came along: the named version is listed, with its label.
  const versions = await fetch(`${restored.httpUrl}/docs/${document.id}/versions`, { headers: { authorization: `Bearer ${writeToken}` } })
  expect(versions.status).toBe(200)
  const listed = ((await versions.json()) as { versions: Array<{ label?: string | null }> }).versions
  expect(listed.map((version) => version.label)).toContain('before the backup')
  // A consistent copy: both people's keys, nothing but them, from a moment during the backup.
  expect(textOf(restoredDocument)).toMatch(/^[ab]+$/)
  expect(textOf(restoredDocument).length).toBeGreaterThanOrEqual(textOf(storedBefore).length)
  expect(textOf(restoredDocument)).toContain('a')
  expect(textOf(restoredDocument)).toContain('b')

  const restoredDb = await openMigratedDatabase({ dataDir: to.dataDir, databaseUrl: to.databaseUrl })
  defer(() => restoredDb.destroy())
  const members = await listMembers(restoredDb, document.id)
  expect(members.map((member) => [member.email, member.role]).sort()).toEqual(
    [
      [alice.email, 'owner'],
      [bob.email, 'editor'],
    ].sort(),
  )
  const row = await restoredDb.selectFrom('documents').selectAll().where('id', '=', document.id).executeTakeFirst()
  expect(row?.title).toBe('Backed up')
  return { manifest }
}

describe('npm run backup / restore on SQLite (DATA_DIR)', () => {
  // proves: BACKUP-1, BACKUP-2
  it('backs up while two clients type; restored into a fresh DATA_DIR, a server serves every document and member', async () => {
    const from = { dataDir: tempDir('tandem-backup-from-') }
    const to = { dataDir: path.join(tempDir('tandem-backup-to-'), 'data') }
    const backupDir = path.join(tempDir('tandem-backup-'), 'backup-1')
    const { manifest } = await backUpWhileTyping(from, to, backupDir)
    expect(manifest.files.map((file: { kind: string }) => file.kind).sort()).toEqual(['auth-secret', 'sync-sqlite', 'web-sqlite'])
    expect(manifest.versions.sqlite).toMatch(/^3\.\d+\.\d+$/)
  })

  // proves: BACKUP-2, BACKUP-3, BACKUP-4
  it('restore refuses a non-empty DATA_DIR unless --force, and a backup whose checksum does not match', async () => {
    const from = { dataDir: tempDir('tandem-backup-from-') }
    writeFileSync(path.join(from.dataDir, 'auth-secret'), 'a-generated-secret-of-at-least-32-bytes\n', { mode: 0o600 })
    const webDb = await openMigratedDatabase({ dataDir: from.dataDir })
    const owner = await addUser(webDb, 'Olga')
    await createDocument(webDb, owner.id, 'Only one')
    await webDb.destroy()
    const backupDir = path.join(tempDir('tandem-backup-'), 'b')
    expect((await npmRun('backup', [backupDir], { DATA_DIR: from.dataDir, DATABASE_URL: undefined })).code).toBe(0)
    // A second backup into the same directory is refused: it would mix two backups.
    const again = await npmRun('backup', [backupDir], { DATA_DIR: from.dataDir, DATABASE_URL: undefined })
    expect(again.code).toBe(1)
    expect(again.output).toMatch(/not an empty directory/)

    const target = tempDir('tandem-restore-')
    writeFileSync(path.join(target, 'app.db'), 'what was there before')
    const refused = await npmRun('restore', [backupDir], { DATA_DIR: target, DATABASE_URL: undefined })
    expect(refused.code).toBe(1)
    expect(refused.output).toMatch(/not empty.*--force/)
    expect(readFileSync(path.join(target, 'app.db'), 'utf8')).toBe('what was there before')
    const forced = await npmRun('restore', [backupDir, '--force'], { DATA_DIR: target, DATABASE_URL: undefined })
    expect(forced.code, forced.output).toBe(0)
    const restoredDb = await openMigratedDatabase({ dataDir: target })
    expect((await restoredDb.selectFrom('documents').select('title').execute()).map((row) => row.title)).toEqual(['Only one'])
    await restoredDb.destroy()

    // One byte changed in the copy: nothing is restored.
    const damaged = path.join(tempDir('tandem-backup-'), 'damaged')
    cpSync(backupDir, damaged, { recursive: true })
    const file = path.join(damaged, 'app.db')
    const bytes = readFileSync(file)
    bytes[bytes.length - 1] ^= 0xff
    writeFileSync(file, bytes)
    const fresh = path.join(tempDir('tandem-restore-'), 'data')
    const rejected = await npmRun('restore', [damaged], { DATA_DIR: fresh, DATABASE_URL: undefined })
    expect(rejected.code).toBe(1)
    expect(rejected.output).toMatch(/app\.db does not match its checksum/)
    expect(existsSync(path.join(fresh, 'app.db'))).toBe(false)
  })
})

const postgresUp = await serviceAvailable('postgres')

describe.skipIf(!postgresUp)('npm run backup / restore on PostgreSQL (DATABASE_URL, pg_dump)', () => {
  /** A database of its own (dropped after the test): pg_dump takes a whole database. */
  async function freshDatabase(label: string): Promise<string> {
    const name = `tandem_${label}_${process.pid}_${Date.now().toString(36)}`
    const admin = new pg.Client({ connectionString: postgresTestUrl() })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    defer(async () => {
      const dropper = new pg.Client({ connectionString: postgresTestUrl() })
      await dropper.connect()
      await dropper.query(`drop database if exists ${name} with (force)`)
      await dropper.end()
    })
    const url = new URL(postgresTestUrl())
    url.pathname = `/${name}`
    return url.toString()
  }

  // proves: BACKUP-1, BACKUP-2, BACKUP-3
  it('backs up while two clients type; restored into an empty database, a server serves every document and member', async () => {
    const from = { dataDir: tempDir('tandem-backup-from-'), databaseUrl: await freshDatabase('from') }
    const to = { dataDir: path.join(tempDir('tandem-backup-to-'), 'data'), databaseUrl: await freshDatabase('to') }
    const backupDir = path.join(tempDir('tandem-backup-'), 'pg')
    const { manifest } = await backUpWhileTyping(from, to, backupDir)
    expect(manifest.files.map((file: { kind: string }) => file.kind).sort()).toEqual(['auth-secret', 'postgres-dump'])
    expect(manifest.versions.pgDump).toMatch(/pg_dump/)
    // The restored database is no longer empty: a second restore into it is refused.
    const again = await npmRun('restore', [backupDir], envOf({ dataDir: path.join(tempDir('tandem-restore-'), 'data'), databaseUrl: to.databaseUrl }))
    expect(again.code).toBe(1)
    expect(again.output).toMatch(/already has \d+ tables/)
  })
})
