/**
 * `npm run restore -- <dir> [--force]`: puts a backup made by `npm run backup`
 * back, into `DATA_DIR` (SQLite files, the generated secret) and, for a
 * PostgreSQL backup, into the database at `DATABASE_URL`.
 *
 * Stop the servers first. Every file is checked against the manifest before
 * anything is written. A target that already holds data (a non-empty
 * `DATA_DIR`, a database with tables) is refused unless `--force` is given,
 * which replaces what is there.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs'
import path from 'node:path'
import pg from 'pg'
import { readManifest, redactedUrl, verifyFiles } from './manifest'

function fail(message: string, status = 1): never {
  console.error(`restore: ${message}`)
  process.exit(status)
}

async function tableCount(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const result = await client.query<{ count: string }>(
      "select count(*) as count from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')",
    )
    return Number(result.rows[0].count)
  } finally {
    await client.end()
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2).filter((arg) => arg !== '--')
  const force = args.includes('--force')
  const positional = args.filter((arg) => arg !== '--force')
  if (positional.length !== 1 || positional[0].startsWith('-')) fail('usage: npm run restore -- <backup directory> [--force]', 2)
  const source = path.resolve(positional[0])
  let manifest
  try {
    manifest = readManifest(source)
    await verifyFiles(source, manifest)
  } catch (error) {
    fail((error as Error).message)
  }

  const dataDir = path.resolve(process.env.DATA_DIR || './data')
  const databaseUrl = process.env.DATABASE_URL || undefined
  const dump = manifest.files.find((file) => file.kind === 'postgres-dump')
  const local = manifest.files.filter((file) => file.kind !== 'postgres-dump')

  if (dump && !databaseUrl) fail('this backup holds a PostgreSQL dump: set DATABASE_URL to the (empty) database to restore it into')
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0 && !force) {
    fail(`${dataDir} (DATA_DIR) is not empty: restore into an empty one, or add --force to replace what is there`)
  }
  if (dump && databaseUrl) {
    const tables = await tableCount(databaseUrl)
    if (tables > 0 && !force) fail(`${redactedUrl(databaseUrl)} already has ${tables} tables: restore into an empty database, or add --force to replace them`)
    const restored = spawnSync(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--single-transaction', ...(force ? ['--clean', '--if-exists'] : []), '--dbname', databaseUrl, path.join(source, dump.name)],
      { encoding: 'utf8' },
    )
    if (restored.error) fail('pg_restore is not on the PATH (Debian: apt-get install postgresql-client)')
    if (restored.status !== 0) fail(`pg_restore into ${redactedUrl(databaseUrl)} failed: ${restored.stderr.trim()}`)
  }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  chmodSync(dataDir, 0o700)
  for (const file of local) {
    const target = path.join(dataDir, file.name)
    const temporary = path.join(dataDir, `.${file.name}.restoring`)
    copyFileSync(path.join(source, file.name), temporary)
    chmodSync(temporary, 0o600)
    // An old -wal or -shm beside a replaced database would be replayed into it.
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${target}${suffix}`, { force: true })
    renameSync(temporary, target)
  }
  console.log(`restore: ${manifest.files.map((file) => file.name).join(', ')} from ${source} (made ${manifest.createdAt} by Tandem ${manifest.versions.tandem}) → ${dataDir}${dump ? ` and ${redactedUrl(databaseUrl!)}` : ''}`)
}

await main()
