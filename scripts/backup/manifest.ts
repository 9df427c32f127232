/**
 * A backup directory's manifest (`manifest.json`): what was copied, from
 * which versions, and each file's size and SHA-256, so a restore can refuse a
 * copy that was damaged or is incomplete.
 */
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import path from 'node:path'

export const MANIFEST_FILE = 'manifest.json'
export const MANIFEST_FORMAT = 1

export type BackupFileKind = 'sync-sqlite' | 'web-sqlite' | 'auth-secret' | 'postgres-dump'

export interface BackupFile {
  /** Name inside the backup directory. */
  name: string
  kind: BackupFileKind
  bytes: number
  sha256: string
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT
  createdAt: string
  versions: { tandem: string; node: string; sqlite?: string; pgDump?: string; postgres?: string }
  /** Where it came from: `sqlite` (DATA_DIR) or `postgres` (DATABASE_URL, its password left out). */
  source: { kind: 'sqlite'; dataDir: string } | { kind: 'postgres'; database: string; dataDir: string }
  files: BackupFile[]
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })
}

export function readManifest(dir: string): Manifest {
  const manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest
  if (manifest.format !== MANIFEST_FORMAT) throw new Error(`${dir}: manifest format ${String(manifest.format)} is not one this version reads (${MANIFEST_FORMAT})`)
  if (!Array.isArray(manifest.files)) throw new Error(`${dir}: the manifest lists no files`)
  for (const file of manifest.files) {
    // A manifest is input too: a name must stay inside the backup directory.
    if (!/^[A-Za-z0-9._-]+$/.test(file.name) || file.name.startsWith('.')) throw new Error(`${dir}: the manifest names a file outside the backup: ${file.name}`)
  }
  return manifest
}

/** Throws naming the first file whose size or checksum differs from the manifest. */
export async function verifyFiles(dir: string, manifest: Manifest): Promise<void> {
  for (const file of manifest.files) {
    const actual = await sha256File(path.join(dir, file.name)).catch(() => null)
    if (actual === null) throw new Error(`${dir}: ${file.name} is missing`)
    if (actual !== file.sha256) throw new Error(`${dir}: ${file.name} does not match its checksum in the manifest (damaged or changed)`)
  }
}

/** DATABASE_URL without its password, for the manifest and messages. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url)
  if (parsed.password) parsed.password = '***'
  return parsed.toString()
}
