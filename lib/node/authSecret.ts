/**
 * The one Node-only module in lib/: both the sync server and the web app need
 * the same AUTH_SECRET, and when the operator sets none, the first process to
 * start generates it into DATA_DIR so the other finds the same value.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export const AUTH_SECRET_FILE = 'auth-secret'

export interface ResolvedSecret {
  secret: string
  /** Where it came from: the environment, or a file in DATA_DIR (generated now or earlier). */
  source: 'env' | 'file' | 'generated'
  file?: string
}

/** Returns `envValue` when set, else reads DATA_DIR/auth-secret, creating it (mode 0600) on first use. */
export function resolveAuthSecret(envValue: string | undefined, dataDir: string): ResolvedSecret {
  if (envValue) return { secret: envValue, source: 'env' }
  const file = path.resolve(dataDir, AUTH_SECRET_FILE)
  try {
    const existing = readFileSync(file, 'utf8').trim()
    if (existing) return { secret: existing, source: 'file', file }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32).toString('base64url')
  try {
    // 'wx' fails if another process created it meanwhile: then theirs wins.
    writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' })
    return { secret, source: 'generated', file }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return { secret: readFileSync(file, 'utf8').trim(), source: 'file', file }
  }
}
