import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { REPO_ROOT } = await import('../../testkit/paths')
const { openMigratedDatabase } = await import('./db')
const { TEST_ARGON2 } = await import('./passwords')
const { createPasswordUser, verifyPassword } = await import('./users')
const { resetPassword } = await import('./accountEmails')

const run = promisify(execFile)

describe('npm run admin -- reset-password', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('prints a one-time link that sets a new password, and says so when no account uses the address', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tandem-admin-'))
    dirs.push(dataDir)
    const db = await openMigratedDatabase({ dataDir })
    await createPasswordUser(db, { name: 'Ada', email: 'ada@example.test', password: 'correct horse battery' }, TEST_ARGON2)
    const env = { ...process.env, DATA_DIR: dataDir, AUTH_SECRET: 'admin-command-test-secret-of-32-bytes', NEXTAUTH_URL: 'https://docs.example.test' }

    const { stdout } = await run('npm', ['run', '-s', 'admin', '--', 'reset-password', 'Ada@Example.test'], { cwd: REPO_ROOT, env })
    const link = /https:\/\/docs\.example\.test\/reset-password\?token=([A-Za-z0-9_-]{43})/.exec(stdout)
    expect(link, stdout).not.toBeNull()
    expect(await resetPassword(db, link![1], 'chosen by the admin', TEST_ARGON2)).toMatchObject({ ok: true })
    expect(await verifyPassword(db, 'ada@example.test', 'chosen by the admin', TEST_ARGON2)).toMatchObject({ name: 'Ada' })
    expect(await resetPassword(db, link![1], 'a second try here', TEST_ARGON2)).toMatchObject({ ok: false })

    const unknown = await run('npm', ['run', '-s', 'admin', '--', 'reset-password', 'nobody@example.test'], { cwd: REPO_ROOT, env }).catch((e) => e)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('No account uses nobody@example.test.')
    await db.destroy()
  })
})
