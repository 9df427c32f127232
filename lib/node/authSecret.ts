/**
 * The one Node-only module in lib/: both the sync server and the web app need
 * the same AUTH_SECRET, and when the operator sets none, the first process to
 * start generates it into DATA_DIR so the other finds the same value.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { ensurePrivateDir, PRIVATE_FILE_MODE } from './privateFiles'

export const AUTH_SECRET_FILE = 'auth-secret'

/**
 * The shortest secret accepted, in bytes of its UTF-8 encoding: HS256 keys
 * shorter than the hash (32 bytes) can be guessed offline from any one token.
 */
export const MIN_AUTH_SECRET_BYTES = 32

export interface ResolvedSecret {
  secret: string
  /** Where it came from: the environment, or a file in DATA_DIR (generated now or earlier). */
  source: 'env' | 'file' | 'generated'
  file?: string
}

/** A secret too short to sign tokens with; the message says how to make a good one. */
export class WeakAuthSecretError extends Error {
  constructor(where: string, bytes: number) {
    super(
      `AUTH_SECRET ${where} is ${bytes} bytes long; it must be at least ${MIN_AUTH_SECRET_BYTES}. ` +
        'Generate one with `openssl rand -base64 32` and set the same value for the web app and every sync server.',
    )
    this.name = 'WeakAuthSecretError'
  }
}

function checkLength(secret: string, where: string): string {
  const bytes = Buffer.byteLength(secret, 'utf8')
  if (bytes < MIN_AUTH_SECRET_BYTES) throw new WeakAuthSecretError(where, bytes)
  return secret
}

/**
 * Returns `envValue` when set, else reads DATA_DIR/auth-secret, creating it
 * (mode 0600, DATA_DIR 0700) on first use. Throws WeakAuthSecretError for a
 * secret shorter than {@link MIN_AUTH_SECRET_BYTES}: the process must not
 * start with it.
 */
export function resolveAuthSecret(envValue: string | undefined, dataDir: string): ResolvedSecret {
  if (envValue) return { secret: checkLength(envValue, '(from the environment)'), source: 'env' }
  const file = path.resolve(dataDir, AUTH_SECRET_FILE)
  try {
    const existing = readFileSync(file, 'utf8').trim()
    if (existing) return { secret: checkLength(existing, `in ${file}`), source: 'file', file }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  ensurePrivateDir(dataDir)
  const secret = randomBytes(32).toString('base64url')
  try {
    // 'wx' fails if another process created it meanwhile: then theirs wins.
    writeFileSync(file, secret + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' })
    chmodSync(file, PRIVATE_FILE_MODE)
    return { secret, source: 'generated', file }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return { secret: checkLength(readFileSync(file, 'utf8').trim(), `in ${file}`), source: 'file', file }
  }
}
