import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

vi.mock('server-only', () => ({}))

const { default: bcrypt } = await import('bcryptjs')
const { TEST_ARGON2 } = await import('./passwords')
const { testDatabaseKinds } = await import('../../testkit/appDb')
const { createPasswordUser, findOrCreateOAuthUser, findUserByEmail, getSessionVersion, verifyPassword } = await import('./users')

describe.each(await testDatabaseKinds())('users ($name)', (kind) => {
  let t: Awaited<ReturnType<typeof kind.create>>
  beforeEach(async () => {
    t = await kind.create()
  })
  afterEach(async () => {
    await t.cleanup()
  })

  const signUp = (email: string, password = 'correct horse battery', name = 'Ada') =>
    createPasswordUser(t.db, { name, email, password }, TEST_ARGON2)
  const storedHash = async (email: string) =>
    (await t.db.selectFrom('users').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow()).password_hash

  it('creates an account with a normalised email and an argon2id hash, and signs in with it', async () => {
    const result = await signUp('  Ada@Example.TEST ')
    expect(result.ok).toBe(true)
    const stored = await t.db.selectFrom('users').selectAll().executeTakeFirstOrThrow()
    expect(stored.email).toBe('ada@example.test')
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/)
    expect(stored.password_hash).not.toContain('correct horse')
    expect(await verifyPassword(t.db, 'ADA@example.test', 'correct horse battery', TEST_ARGON2)).toMatchObject({ name: 'Ada' })
  })

  it('still signs in accounts with an old bcrypt hash, and replaces it with argon2id on success only', async () => {
    await signUp('ada@example.test')
    const legacy = await bcrypt.hash('correct horse battery', 4)
    await t.db.updateTable('users').set({ password_hash: legacy }).where('email', '=', 'ada@example.test').execute()

    expect(await verifyPassword(t.db, 'ada@example.test', 'wrong password!', TEST_ARGON2)).toBeNull()
    expect(await storedHash('ada@example.test')).toBe(legacy)

    expect(await verifyPassword(t.db, 'ada@example.test', 'correct horse battery', TEST_ARGON2)).toMatchObject({ name: 'Ada' })
    const upgraded = await storedHash('ada@example.test')
    expect(upgraded).toMatch(/^\$argon2id\$/)
    expect(await verifyPassword(t.db, 'ada@example.test', 'correct horse battery', TEST_ARGON2)).toMatchObject({ name: 'Ada' })
    expect(await storedHash('ada@example.test')).toBe(upgraded)
  })

  it('rehashes an argon2id hash made with other settings, and leaves a current one alone', async () => {
    await signUp('ada@example.test')
    const current = await storedHash('ada@example.test')
    await verifyPassword(t.db, 'ada@example.test', 'correct horse battery', TEST_ARGON2)
    expect(await storedHash('ada@example.test')).toBe(current)
    const stronger = { ...TEST_ARGON2, timeCost: 2 }
    expect(await verifyPassword(t.db, 'ada@example.test', 'correct horse battery', stronger)).toMatchObject({ name: 'Ada' })
    expect(await storedHash('ada@example.test')).toMatch(/^\$argon2id\$v=19\$m=1024,t=2,p=1\$/)
  })

  it('refuses a wrong password and an unknown email alike', async () => {
    await signUp('ada@example.test')
    expect(await verifyPassword(t.db, 'ada@example.test', 'wrong password!', TEST_ARGON2)).toBeNull()
    expect(await verifyPassword(t.db, 'nobody@example.test', 'correct horse battery', TEST_ARGON2)).toBeNull()
  })

  it('says when an email is taken, whatever its case', async () => {
    await signUp('ada@example.test')
    const again = await signUp('ADA@example.test')
    expect(again).toEqual({ ok: false, errors: { email: expect.stringMatching(/already exists/) } })
  })

  it('explains weak passwords, bad emails and missing names on their fields', async () => {
    expect(await signUp('ada@example.test', 'short')).toMatchObject({ ok: false, errors: { password: expect.stringMatching(/at least 8/) } })
    expect(await signUp('ada@example.test', 'aaaaaaaaaaaa')).toMatchObject({ ok: false, errors: { password: expect.stringMatching(/easy to guess/) } })
    expect(await signUp('ada@example.test', 'x'.repeat(40) + 'é'.repeat(20))).toMatchObject({ ok: false, errors: { password: expect.stringMatching(/72 bytes/) } })
    expect(await signUp('not-an-email')).toMatchObject({ ok: false, errors: { email: expect.stringMatching(/valid email/) } })
    expect(await signUp('ada@example.test', 'correct horse battery', '   ')).toMatchObject({ ok: false, errors: { name: expect.any(String) } })
    expect(await findUserByEmail(t.db, 'ada@example.test')).toBeNull()
  })

  it('creates an OAuth user once and finds it again by provider id', async () => {
    const profile = { provider: 'github', providerAccountId: '42', email: 'Grace@Example.test', name: 'Grace' }
    const first = await findOrCreateOAuthUser(t.db, profile)
    const second = await findOrCreateOAuthUser(t.db, { ...profile, email: 'changed@example.test' })
    expect(first.ok && second.ok && first.user.id === second.user.id).toBe(true)
    expect(await verifyPassword(t.db, 'grace@example.test', '', TEST_ARGON2)).toBeNull()
  })

  it('does not link an OAuth identity to an existing password account', async () => {
    await signUp('ada@example.test')
    const result = await findOrCreateOAuthUser(t.db, { provider: 'oidc', providerAccountId: 'x', email: 'ada@example.test', name: 'Mallory' })
    expect(result).toEqual({ ok: false, reason: 'email-in-use' })
  })

  it('a provider vouching for an address takes it back from a password account that never proved it', async () => {
    // Someone signed up with the address but could not read its mail (so never verified it).
    const squatted = await createPasswordUser(t.db, { name: 'Mallory', email: 'colleague@corp.test', password: 'correct horse battery' }, TEST_ARGON2, { verified: false })
    if (!squatted.ok) throw new Error('sign-up failed')
    const versionBefore = await getSessionVersion(t.db, squatted.user.id)
    // Without the provider's word, nothing changes.
    const unvouched = await findOrCreateOAuthUser(t.db, { provider: 'google', providerAccountId: 'g1', email: 'colleague@corp.test', name: 'Colleague' })
    expect(unvouched).toEqual({ ok: false, reason: 'email-in-use' })
    const vouched = await findOrCreateOAuthUser(t.db, { provider: 'google', providerAccountId: 'g1', email: 'colleague@corp.test', name: 'Colleague', emailVerified: true })
    expect(vouched).toMatchObject({ ok: true, user: { id: squatted.user.id, emailVerified: true } })
    // The unproved password no longer signs in, and every session of the account has ended.
    expect(await verifyPassword(t.db, 'colleague@corp.test', 'correct horse battery', TEST_ARGON2)).toBeNull()
    expect(await getSessionVersion(t.db, squatted.user.id)).toBe((versionBefore ?? 0) + 1)
    // The same identity finds the account again.
    const again = await findOrCreateOAuthUser(t.db, { provider: 'google', providerAccountId: 'g1', email: 'colleague@corp.test', name: 'Colleague', emailVerified: true })
    expect(again).toMatchObject({ ok: true, user: { id: squatted.user.id } })
  })

  it('an OAuth account counts as verified only when the provider says email_verified, and becomes so when it later does', async () => {
    const unverified = await findOrCreateOAuthUser(t.db, { provider: 'github', providerAccountId: '1', email: 'gh@example.test', name: 'Gee' })
    expect(unverified).toMatchObject({ ok: true, user: { emailVerified: false } })
    const vouched = await findOrCreateOAuthUser(t.db, {
      provider: 'oidc',
      providerAccountId: 'sub-1',
      email: 'sso@example.test',
      name: 'Esso',
      emailVerified: true,
    })
    expect(vouched).toMatchObject({ ok: true, user: { emailVerified: true } })

    const later = await findOrCreateOAuthUser(t.db, { provider: 'github', providerAccountId: '1', email: 'gh@example.test', name: 'Gee', emailVerified: true })
    expect(later).toMatchObject({ ok: true, user: { emailVerified: true } })
    expect(await findUserByEmail(t.db, 'gh@example.test')).toMatchObject({ emailVerified: true })
  })

  it('a password account made while SMTP is set starts unverified', async () => {
    const result = await createPasswordUser(t.db, { name: 'Una', email: 'una@example.test', password: 'correct horse battery' }, TEST_ARGON2, { verified: false })
    expect(result).toMatchObject({ ok: true, user: { emailVerified: false } })
    expect((await signUp('ver@example.test')).ok && (await findUserByEmail(t.db, 'ver@example.test'))?.emailVerified).toBe(true)
  })
})
