import { describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))
const { default: bcrypt } = await import('bcryptjs')
const { checkPassword, hashPassword, spendVerification, TEST_ARGON2 } = await import('./passwords')

describe('password hashes', () => {
  it('hashes with argon2id, salted, and checks both right and wrong passwords', async () => {
    const first = await hashPassword('correct horse battery', TEST_ARGON2)
    const second = await hashPassword('correct horse battery', TEST_ARGON2)
    expect(first).toMatch(/^\$argon2id\$/)
    expect(first).not.toBe(second)
    expect(await checkPassword(first, 'correct horse battery', TEST_ARGON2)).toEqual({ ok: true, needsRehash: false })
    expect(await checkPassword(first, 'correct horse batterY', TEST_ARGON2)).toEqual({ ok: false, needsRehash: false })
  })

  it('accepts bcryptjs hashes ($2a$ and $2b$) and asks for them to be replaced', async () => {
    const made = await bcrypt.hash('correct horse battery', 4)
    expect(made).toMatch(/^\$2b\$04\$/)
    // Older bcryptjs wrote $2a$; for passwords like these the digest is the same.
    for (const legacy of [made, made.replace(/^\$2b\$/, '$2a$')]) {
      expect(await checkPassword(legacy, 'correct horse battery', TEST_ARGON2)).toEqual({ ok: true, needsRehash: true })
      expect(await checkPassword(legacy, 'wrong', TEST_ARGON2)).toEqual({ ok: false, needsRehash: false })
    }
  })

  it('never matches a hash it does not know, or a corrupt one', async () => {
    for (const stored of ['', 'correct horse battery', '$argon2id$broken', '$1$abc$def', '$2x$nonsense']) {
      expect(await checkPassword(stored, 'correct horse battery', TEST_ARGON2)).toEqual({ ok: false, needsRehash: false })
    }
  })

  it('does the work of a verification for unknown accounts without ever succeeding', async () => {
    await expect(spendVerification('anything', TEST_ARGON2)).resolves.toBeUndefined()
    await expect(spendVerification('anything else', TEST_ARGON2)).resolves.toBeUndefined()
  })
})
