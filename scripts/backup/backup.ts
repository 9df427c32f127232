/**
 * `npm run backup -- <dir>`: a consistent copy of everything Tandem stores,
 * taken while the servers run, into a new directory with a manifest.
 *
 * - SQLite (no DATABASE_URL): `DATA_DIR/tandem.db` (documents) and
 *   `DATA_DIR/app.db` (users, documents, members, links), each through
 *   SQLite's online backup API, which copies a consistent snapshot even while
 *   the servers write (copying the files, their -wal beside them, would not be).
 * - PostgreSQL (DATABASE_URL): `pg_dump --format=custom` of the database, the
 *   web app's tables and the sync server's schema in one consistent snapshot.
 * - `DATA_DIR/auth-secret`, when the secret was generated there: without it,
 *   restored sessions and tokens would not verify.
 *
 * The manifest is written last, so a directory without one is not a backup.
 * docs/self-hosting.md, "Backups", has the procedure.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { MANIFEST_FILE, MANIFEST_FORMAT, redactedUrl, sha256File, type BackupFile, type BackupFileKind, type Manifest } from './manifest'

const SQLITE_FILES: Array<{ name: string; kind: BackupFileKind }> = [
  { name: 'tandem.db', kind: 'sync-sqlite' },
  { name: 'app.db', kind: 'web-sqlite' },
]
const SECRET_FILE = 'auth-secret'
const DUMP_FILE = 'postgres.dump'

function fail(message: string, status = 1): never {
  console.error(`backup: ${message}`)
  process.exit(status)
}

async function sqliteCopy(source: string, target: string): Promise<string> {
  const db = new Database(source, { fileMustExist: true })
  try {
    // A busy writer makes the backup restart its pass; better-sqlite3 copies 100 pages a step, yielding between.
    await db.backup(target)
    return (db.prepare('select sqlite_version() as version').get() as { version: string }).version
  } finally {
    db.close()
  }
}

function checkCopy(file: string): void {
  const copy = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const result = copy.pragma('quick_check', { simple: true })
    if (result !== 'ok') fail(`the copy ${file} fails SQLite's quick_check: ${String(result)}`)
  } finally {
    copy.close()
  }
}

function pgDump(databaseUrl: string, target: string): string {
  const version = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' })
  if (version.error || version.status !== 0) fail('DATABASE_URL is set, but pg_dump is not on the PATH (Debian: apt-get install postgresql-client)')
  const dump = spawnSync('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', '--file', target, '--dbname', databaseUrl], {
    encoding: 'utf8',
  })
  if (dump.status !== 0) fail(`pg_dump of ${redactedUrl(databaseUrl)} failed: ${dump.stderr.trim()}`)
  return version.stdout.trim()
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--')
  if (args.length !== 1 || args[0].startsWith('-')) fail('usage: npm run backup -- <new backup directory>', 2)
  const target = path.resolve(args[0])
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) {
    fail(`${target} exists and is not an empty directory: each backup goes into a directory of its own`)
  }
  mkdirSync(target, { recursive: true, mode: 0o700 })
  chmodSync(target, 0o700)

  const dataDir = path.resolve(process.env.DATA_DIR || './data')
  const databaseUrl = process.env.DATABASE_URL || undefined
  const files: Array<{ name: string; kind: BackupFileKind }> = []
  const versions: Manifest['versions'] = {
    tandem: (JSON.parse(readFileSync(path.join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version,
    node: process.version,
  }

  if (databaseUrl) {
    versions.pgDump = pgDump(databaseUrl, path.join(target, DUMP_FILE))
    files.push({ name: DUMP_FILE, kind: 'postgres-dump' })
  }
  // SQLite files are copied whenever they exist: with DATABASE_URL set there are usually none.
  for (const { name, kind } of SQLITE_FILES) {
    const source = path.join(dataDir, name)
    if (!existsSync(source)) continue
    versions.sqlite = await sqliteCopy(source, path.join(target, name))
    checkCopy(path.join(target, name))
    files.push({ name, kind })
  }
  if (existsSync(path.join(dataDir, SECRET_FILE))) {
    copyFileSync(path.join(dataDir, SECRET_FILE), path.join(target, SECRET_FILE))
    files.push({ name: SECRET_FILE, kind: 'auth-secret' })
  }
  if (files.length === 0) fail(`nothing to back up: no DATABASE_URL, and no tandem.db or app.db in ${dataDir}`)

  const listed: BackupFile[] = []
  for (const file of files) {
    const full = path.join(target, file.name)
    chmodSync(full, 0o600)
    listed.push({ ...file, bytes: statSync(full).size, sha256: await sha256File(full) })
  }
  const manifest: Manifest = {
    format: MANIFEST_FORMAT,
    createdAt: new Date().toISOString(),
    versions,
    source: databaseUrl ? { kind: 'postgres', database: redactedUrl(databaseUrl), dataDir } : { kind: 'sqlite', dataDir },
    files: listed,
  }
  const temporary = path.join(target, `.${MANIFEST_FILE}.tmp`)
  writeFileSync(temporary, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 })
  renameSync(temporary, path.join(target, MANIFEST_FILE))
  console.log(`backup: ${listed.map((file) => `${file.name} (${file.bytes} bytes)`).join(', ')} → ${target}`)
}

await main()
