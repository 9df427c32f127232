/**
 * The AUTH_SECRET both processes share: too short a secret stops them, with
 * the command that makes a good one; a generated one is long enough and
 * private (docs/sync-protocol.md, "Starting it" and "Configuration").
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AUTH_SECRET_FILE, MIN_AUTH_SECRET_BYTES, WeakAuthSecretError, resolveAuthSecret } from './authSecret'

const dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-secret-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('resolveAuthSecret', () => {
  // proves: START-7
  it('refuses a secret shorter than 32 bytes (as UTF-8), saying how to generate one; 32 bytes are fine', () => {
    const dir = tempDir()
    expect(() => resolveAuthSecret('x'.repeat(31), dir)).toThrow(WeakAuthSecretError)
    expect(() => resolveAuthSecret('x'.repeat(31), dir)).toThrow(/openssl rand -base64 32/)
    // Bytes, not characters: 16 two-byte characters are 32 bytes.
    expect(resolveAuthSecret('é'.repeat(16), dir).secret).toBe('é'.repeat(16))
    expect(() => resolveAuthSecret('é'.repeat(15), dir)).toThrow(/30 bytes/)
    expect(resolveAuthSecret('x'.repeat(MIN_AUTH_SECRET_BYTES), dir)).toMatchObject({ source: 'env' })
  })

  // proves: START-7
  it('refuses a short secret left in DATA_DIR/auth-secret too', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, AUTH_SECRET_FILE), 'short\n')
    expect(() => resolveAuthSecret(undefined, dir)).toThrow(WeakAuthSecretError)
  })

  // proves: CONFIG-5, CONFIG-14
  it('generates a long enough secret into a 0600 file in a 0700 directory, whatever the umask', () => {
    const parent = tempDir()
    const dataDir = path.join(parent, 'data')
    const umask = process.umask(0)
    try {
      const generated = resolveAuthSecret(undefined, dataDir)
      expect(generated.source).toBe('generated')
      expect(Buffer.byteLength(generated.secret)).toBeGreaterThanOrEqual(MIN_AUTH_SECRET_BYTES)
      expect(readFileSync(generated.file!, 'utf8').trim()).toBe(generated.secret)
      expect(statSync(generated.file!).mode & 0o777).toBe(0o600)
      expect(statSync(dataDir).mode & 0o777).toBe(0o700)
      expect(resolveAuthSecret(undefined, dataDir)).toMatchObject({ source: 'file', secret: generated.secret })
    } finally {
      process.umask(umask)
    }
  })
})
